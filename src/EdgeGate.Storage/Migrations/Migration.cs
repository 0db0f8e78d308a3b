namespace EdgeGate.Storage.Migrations;

/// <summary>One numbered schema step, read from an embedded <c>Migrations/NNNN_name.sql</c>.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
