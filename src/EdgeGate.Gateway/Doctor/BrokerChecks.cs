using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Configuration;
using EdgeGate.Access;
using EdgeGate.Uplink;
using EdgeGate.Storage;
using EdgeGate.Storage.Privacy;

namespace EdgeGate.Gateway.Doctor;

/// <summary>
/// The MQTT brokers: the platform broker of the uplink (when enabled) and the lock broker (when a
/// door has Kind Mqtt). Each is connected with the gateway's own settings (TLS when a CA file is set,
/// the user and the password file) within a bounded time, then left. The check uses its own client id
/// and no will, so a gateway that is running keeps its session and its "online" state.
/// </summary>
public sealed class BrokerChecks(EdgeGateSettings settings) : IDoctorCheck
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>One broker to check: its name in findings, its configuration section and how the gateway connects to it.</summary>
    private sealed record Broker(string Subject, string Section, BrokerConnectionOptions Options, string PasswordFileName, bool WantsTls, Func<string, MqttClientOptions> ClientOptions);

    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var credentials = GatewayDatabase.CredentialsDirectory(settings);
        foreach (var broker in Brokers())
        {
            if (CheckPasswordFile(broker, credentials) is { } passwordFinding)
            {
                yield return passwordFinding;
                if (passwordFinding.Severity == FindingSeverity.Failure)
                {
                    continue;
                }
            }
            yield return await ConnectAsync(broker, credentials, cancellationToken).ConfigureAwait(false);
        }
    }

    private IEnumerable<Broker> Brokers()
    {
        if (settings.Uplink.Enabled)
        {
            // Traffic to the platform leaves the site: without TLS it is a warning.
            yield return new Broker("uplink broker", "Uplink", settings.Uplink, UplinkConnection.PasswordFileName, WantsTls: true,
                credentials => UplinkConnection.CreateOptions(settings.Uplink, settings.Gateway, credentials));
        }
        if (settings.LockBroker is { } lockBroker && settings.Doors.Any(door => door.Kind == DoorKind.Mqtt))
        {
            // The site's own broker, often on this box or the local network: plain TCP is usual.
            yield return new Broker("lock broker", LockBrokerOptions.SectionName, lockBroker, LockBrokerOptions.PasswordFileName, WantsTls: false,
                credentials => LockBrokerConnection.CreateOptions(settings, credentials));
        }
    }

    private static DoctorFinding? CheckPasswordFile(Broker broker, string credentials)
    {
        if (broker.Options.Username.Length == 0)
        {
            return null;
        }
        var path = Path.Combine(credentials, broker.PasswordFileName);
        try
        {
            return CredentialFile.ReadTextOrNull(credentials, broker.PasswordFileName) is null
                ? DoctorFinding.Warning(broker.Subject, $"{broker.Section}:Username is '{broker.Options.Username}' but there is no password file {path}",
                    broker.Section == "Uplink"
                        ? "write it with: edgegate provision ... --username <user> --password-file <file>"
                        : $"write the password into {path} (mode 0600, owned by the service user)")
                : null;
        }
        catch (CredentialFileException exception)
        {
            return DoctorFinding.Failure(broker.Subject, exception.Message, $"run: chmod 600 {path}");
        }
    }

    private static async Task<DoctorFinding> ConnectAsync(Broker broker, string credentials, CancellationToken cancellationToken)
    {
        var gateway = broker.ClientOptions(credentials);
        var options = new MqttClientOptions
        {
            Host = gateway.Host,
            Port = gateway.Port,
            ClientId = gateway.ClientId + "-doctor",
            Username = gateway.Username,
            Password = gateway.Password,
            CaCertificatePath = gateway.CaCertificatePath,
            ClientCertificatePath = gateway.ClientCertificatePath,
            ClientKeyPath = gateway.ClientKeyPath,
            KeepAlive = gateway.KeepAlive,
            ConnectTimeout = ConnectTimeout,
            // One attempt ends (with its reason) before the check gives up.
            OperationTimeout = ConnectTimeout - TimeSpan.FromSeconds(1),
        };
        var tls = options.CaCertificatePath is not null;
        var where = string.Create(CultureInfo.InvariantCulture,
            $"{options.Host}:{options.Port} ({(tls ? "TLS" : "plain TCP")}{(options.Username is null ? "" : $", user {options.Username}")})");
        var client = new SupervisedMqttClient(options);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            return tls || !broker.WantsTls
                ? DoctorFinding.Ok(broker.Subject, $"connected to {where} in {took} ms")
                : DoctorFinding.Warning(broker.Subject, $"connected to {where} in {took} ms, without TLS: the traffic to the platform is readable on the network",
                    "set Uplink:CaFile to the platform's CA (edgegate provision --ca <file>) and Uplink:Port to its TLS port");
        }
        catch (MqttException)
        {
            var reason = client.LastError ?? await ProbeAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            return DoctorFinding.Failure(broker.Subject,
                $"cannot connect to {where} within {ConnectTimeout.TotalSeconds:0} s: {reason}",
                AdviceFor(broker, reason, credentials));
        }
        finally
        {
            try
            {
                await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The broker did not answer the disconnect in time: doctor ends soon anyway.
            }
        }
    }

    /// <summary>Why no MQTT connection came, when the library said nothing: is anything listening there?</summary>
    private static async Task<string> ProbeAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(2));
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, bound.Token).ConfigureAwait(false);
            return "the port is open, but no MQTT session came up (a plain port given as the TLS port, or the reverse?)";
        }
        catch (SocketException exception)
        {
            return exception.SocketErrorCode == SocketError.ConnectionRefused
                ? "nothing listens there (connection refused)"
                : $"the broker cannot be reached ({exception.Message})";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer from the broker's address (a firewall, or a wrong address)";
        }
    }

    private static string AdviceFor(Broker broker, string reason, string credentials)
    {
        var section = broker.Section;
        if (reason.Contains("authori", StringComparison.OrdinalIgnoreCase) || reason.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            return $"check {section}:Username and the password in {Path.Combine(credentials, broker.PasswordFileName)}" +
                (section == "Uplink" ? " with the platform (edgegate provision writes both)" : " with the broker's user list");
        }
        if (reason.Contains("certificate", StringComparison.OrdinalIgnoreCase) || reason.Contains("TLS", StringComparison.Ordinal)
            || reason.Contains("SSL", StringComparison.Ordinal) || reason.Contains("handshake", StringComparison.OrdinalIgnoreCase))
        {
            return $"check that {section}:CaFile is the CA that signed the broker's certificate, that {section}:Host is the name in " +
                $"that certificate, and that {section}:Port is the broker's TLS port";
        }
        return $"check {section}:Host and {section}:Port, that the broker runs, and that this box reaches it (DNS, firewall, route)";
    }
}
