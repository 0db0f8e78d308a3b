using System.ComponentModel.DataAnnotations;

namespace EdgeGate.Configuration;

/// <summary>Section <c>Api</c>: the local HTTP API and web console.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>False opens no HTTP port: no local API and no web console.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Listen address; loopback unless the installer opens it on purpose.</summary>
    /// <value>an absolute URL such as http://127.0.0.1:8080 (port 0: a free port)</value>
    [Required]
    public string Url { get; set; } = "http://127.0.0.1:8080";
}
