using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// The TLS side of one connection attempt: the CAs of <see cref="MqttClientOptions.CaCertificatePath"/>
/// (the only ones trusted), the client certificate, and the check of the broker's certificate, which
/// records in plain words why it rejected one (MQTTnet gives the same text for an untrusted CA and a
/// wrong host name). Files are read per attempt, so a renewed certificate is used on the next connection.
/// </summary>
internal sealed class BrokerTls : IDisposable
{
    private readonly string host;
    private readonly string caPath;

    private BrokerTls(string host, string caPath, X509Certificate2Collection authorities, X509Certificate2Collection clientCertificates)
    {
        this.host = host;
        this.caPath = caPath;
        Authorities = authorities;
        ClientCertificates = clientCertificates;
    }

    public X509Certificate2Collection Authorities { get; }

    public X509Certificate2Collection ClientCertificates { get; }

    /// <summary>Why the broker's certificate was rejected, or null while none was.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the files. Throws <see cref="MqttException"/> naming the file when one is missing or not PEM.</summary>
    public static BrokerTls Load(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var caPath = options.CaCertificatePath ?? throw new ArgumentException("no CA file: TLS is off", nameof(options));
        var authorities = new X509Certificate2Collection();
        var clientCertificates = new X509Certificate2Collection();
        try
        {
            RequireFile(caPath, "CA certificate");
            authorities.ImportFromPemFile(caPath);
            if (authorities.Count == 0)
            {
                throw new MqttException($"CA certificate file {caPath} holds no PEM certificate");
            }
            if (options.ClientCertificatePath is { } certificatePath && options.ClientKeyPath is { } keyPath)
            {
                RequireFile(certificatePath, "client certificate");
                RequireFile(keyPath, "client key");
                clientCertificates.Add(X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
            }
            return new BrokerTls(options.Host, caPath, authorities, clientCertificates);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            DisposeAll(authorities);
            DisposeAll(clientCertificates);
            throw new MqttException($"cannot use the TLS files ({caPath}{(options.ClientCertificatePath is null ? "" : $", {options.ClientCertificatePath}, {options.ClientKeyPath}")}): {exception.Message}", exception);
        }
        catch
        {
            DisposeAll(authorities);
            DisposeAll(clientCertificates);
            throw;
        }
    }

    /// <summary>MQTTnet's certificate validation handler: the name must match and the chain must end at one of <see cref="Authorities"/>.</summary>
    public bool Validate(MqttClientCertificateValidationEventArgs arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Certificate is null || arguments.SslPolicyErrors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            Problem = "the broker sent no certificate";
            return false;
        }
        using var certificate = X509CertificateLoader.LoadCertificate(arguments.Certificate.GetRawCertData());
        if (arguments.SslPolicyErrors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            Problem = $"the broker's certificate ({certificate.Subject}) is not issued for '{host}'";
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (arguments.Chain is { } sent)
        {
            // Intermediates the broker sent along.
            foreach (var element in sent.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        if (chain.Build(certificate))
        {
            Problem = null;
            return true;
        }
        var status = string.Join("; ", chain.ChainStatus.Select(item => item.StatusInformation.Trim()).Where(text => text.Length > 0).Distinct());
        Problem = $"the broker's certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by a CA in {caPath}" +
            (status.Length > 0 ? $" ({status})" : string.Empty);
        return false;
    }

    public void Dispose()
    {
        DisposeAll(Authorities);
        DisposeAll(ClientCertificates);
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new MqttException($"{what} file not found: {path}");
        }
    }

    private static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
