using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using EdgeGate.Core.Messaging;
using EdgeGate.Devices.Mqtt;
using EdgeGate.Gateway.Access;
using EdgeGate.Gateway.Configuration;
using EdgeGate.Gateway.Uplink;

namespace EdgeGate.Gateway.Doctor;

/// <summary>
/// The platform broker of the uplink: connects with the gateway's own settings (TLS when
/// <see cref="UplinkOptions.CaFile"/> is set, the per-device user and password) within a bounded
/// time, then disconnects. It uses its own client id and no will, so a gateway that is running
/// keeps its session and its "online" state.
/// </summary>
public sealed class UplinkChecks(EdgeGateSettings settings) : IDoctorCheck
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private const string Subject = "uplink broker";

    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var uplink = settings.Uplink;
        if (!uplink.Enabled)
        {
            yield break;
        }
        var credentials = GatewayDatabase.CredentialsDirectory(settings);
        if (CheckPasswordFile(uplink, credentials) is { } passwordFinding)
        {
            yield return passwordFinding;
        }
        yield return await ConnectAsync(uplink, credentials, cancellationToken).ConfigureAwait(false);
    }

    private static DoctorFinding? CheckPasswordFile(UplinkOptions uplink, string credentials)
    {
        if (uplink.Username.Length == 0)
        {
            return null;
        }
        var path = Path.Combine(credentials, UplinkConnection.PasswordFileName);
        if (!File.Exists(path))
        {
            return DoctorFinding.Warning(Subject, $"Uplink:Username is '{uplink.Username}' but there is no password file {path}",
                "write it with: edgegate provision ... --username <user> --password-file <file>");
        }
        var mode = File.GetUnixFileMode(path);
        return (mode & GroupOrOthers) == 0
            ? null
            : DoctorFinding.Failure(Subject, $"the password file {path} can be read by other users (mode {Convert.ToString((int)mode, 8)})",
                $"run: chmod 600 {path}");
    }

    private async Task<DoctorFinding> ConnectAsync(UplinkOptions uplink, string credentials, CancellationToken cancellationToken)
    {
        var gateway = UplinkConnection.CreateOptions(uplink, settings.Gateway, credentials);
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
            StopTimeout = TimeSpan.FromSeconds(3),
        };
        var tls = options.CaCertificatePath is not null;
        var where = string.Create(CultureInfo.InvariantCulture,
            $"{options.Host}:{options.Port} ({(tls ? "TLS" : "plain TCP")}{(options.Username is null ? "" : $", user {options.Username}")})");
        var client = new MosquittoClient(options);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            return tls
                ? DoctorFinding.Ok(Subject, $"connected to {where} in {took} ms")
                : DoctorFinding.Warning(Subject, $"connected to {where} in {took} ms, without TLS: the traffic to the platform is readable on the network",
                    "set Uplink:CaFile to the platform's CA (edgegate provision --ca <file>) and Uplink:Port to its TLS port");
        }
        catch (MqttException)
        {
            var reason = client.LastError ?? await ProbeAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            return DoctorFinding.Failure(Subject,
                $"cannot connect to {where} within {ConnectTimeout.TotalSeconds:0} s: {reason}",
                AdviceFor(reason, credentials));
        }
        finally
        {
            try
            {
                await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The network thread did not stop in time: doctor ends soon anyway.
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

    private static string AdviceFor(string reason, string credentials)
    {
        if (reason.Contains("authori", StringComparison.OrdinalIgnoreCase) || reason.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            return $"check Uplink:Username and the password in {Path.Combine(credentials, UplinkConnection.PasswordFileName)} " +
                "with the platform (edgegate provision writes both)";
        }
        if (reason.Contains("certificate", StringComparison.OrdinalIgnoreCase) || reason.Contains("TLS", StringComparison.Ordinal)
            || reason.Contains("SSL", StringComparison.Ordinal) || reason.Contains("handshake", StringComparison.OrdinalIgnoreCase))
        {
            return "check that Uplink:CaFile is the CA that signed the broker's certificate, that Uplink:Host is the name in " +
                "that certificate, and that Uplink:Port is the broker's TLS port";
        }
        return "check Uplink:Host and Uplink:Port, that the broker runs, and that this box reaches it (DNS, firewall, route)";
    }
}
