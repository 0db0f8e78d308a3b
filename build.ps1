#!/usr/bin/env pwsh
# Thin wrapper for hosts with PowerShell: the same verbs as build.sh, which does the work.
# (PowerShell is not installable on our Debian gate boxes; README and CI use build.sh.)
param(
    [ValidateSet('setup', 'build', 'test', 'demo', 'publish')]
    [string]$Verb = 'build',
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
& bash (Join-Path $PSScriptRoot 'build.sh') $Verb @Rest
exit $LASTEXITCODE
