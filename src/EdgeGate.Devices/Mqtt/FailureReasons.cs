using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;

namespace EdgeGate.Devices.Mqtt;

/// <summary>
/// Plain words for what MQTTnet reports: why a connection attempt failed, why a connection was lost, why
/// the broker refused the client. MQTTnet's own texts ("Error while connecting host …", "Error while
/// authenticating. Connection closed.") name neither the cause nor what to check.
/// </summary>
internal static class FailureReasons
{
    /// <summary>
    /// Why one connection attempt to <paramref name="endpoint"/> failed. <paramref name="certificateProblem"/>
    /// is what the certificate check found, when it rejected the broker's certificate.
    /// </summary>
    public static string ConnectFailed(Exception exception, string endpoint, bool tls, string? certificateProblem)
    {
        if (certificateProblem is not null)
        {
            return $"TLS handshake failed: {certificateProblem}";
        }
        var socket = Find<SocketException>(exception);
        // MQTTnet wraps failures after the transport was up (CONNECT sent, no CONNACK) in this exception.
        var afterTransport = Find<MqttConnectingFailedException>(exception) is not null;
        switch (socket?.SocketErrorCode)
        {
            case SocketError.ConnectionRefused:
                return $"connection refused by {endpoint}";
            case SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                return $"host name of {endpoint} not found (DNS)";
            case SocketError.NetworkUnreachable or SocketError.HostUnreachable:
                return $"no route to {endpoint}";
            case SocketError.TimedOut:
                return $"{endpoint} did not answer (TCP connect timed out)";
        }
        if (tls && !afterTransport)
        {
            return "TLS handshake failed: " + (socket?.SocketErrorCode == SocketError.ConnectionReset
                ? $"{endpoint} reset the connection (is this the broker's TLS port?)"
                : Find<AuthenticationException>(exception) is { } authentication
                    ? Innermost(authentication).Message
                    : Find<IOException>(exception) is not null
                        ? $"{endpoint} closed the connection (is this the broker's TLS port?)"
                        : Innermost(exception).Message);
        }
        if (Find<MqttProtocolViolationException>(exception) is { } violation)
        {
            return $"{endpoint} broke the MQTT protocol: {violation.Message}";
        }
        if (afterTransport)
        {
            return socket is not null
                ? $"connection reset by {endpoint} before the broker answered"
                : $"{endpoint} closed the connection without answering the MQTT CONNECT" +
                    (tls ? string.Empty : " (a TLS port? then set the CA file)");
        }
        return socket is not null
            ? $"network error with {endpoint}: {socket.Message}"
            : Innermost(exception).Message;
    }

    /// <summary>Why an established connection ended, from MQTTnet's disconnected event.</summary>
    public static string ConnectionLost(MqttClientDisconnectedEventArgs disconnected, string endpoint, TimeSpan operationTimeout)
    {
        ArgumentNullException.ThrowIfNull(disconnected);
        // After a broker kill -9 MQTTnet reports NormalDisconnection without an exception.
        return disconnected.Exception is { } exception
            ? Lost(exception, endpoint, operationTimeout)
            : disconnected.Reason == MqttClientDisconnectReason.NormalDisconnection
                ? $"{endpoint} closed the connection"
                : $"{endpoint} closed the connection ({disconnected.Reason})";
    }

    /// <summary>Why an operation on an established connection failed (the connection went away under it).</summary>
    public static string Lost(Exception exception, string endpoint, TimeSpan operationTimeout)
    {
        if (Find<MqttCommunicationTimedOutException>(exception) is not null)
        {
            return $"{endpoint} did not answer within {Seconds(operationTimeout)} s";
        }
        return Find<SocketException>(exception)?.SocketErrorCode switch
        {
            SocketError.ConnectionReset => $"connection reset by {endpoint}",
            SocketError.Shutdown or SocketError.ConnectionAborted => $"{endpoint} closed the connection",
            { } code => $"network error with {endpoint} ({code})",
            null => Find<MqttClientNotConnectedException>(exception) is not null || Find<MqttClientDisconnectedException>(exception) is { InnerException: null }
                ? $"the connection to {endpoint} was closed"
                : Innermost(exception).Message,
        };
    }

    /// <summary>The broker's CONNACK refusal in words, with the code MQTT 3.1.1 uses for it.</summary>
    public static string Refusal(MqttClientConnectResultCode code) => code switch
    {
        MqttClientConnectResultCode.UnsupportedProtocolVersion => "MQTT 3.1.1 not accepted (CONNACK 1)",
        MqttClientConnectResultCode.ClientIdentifierNotValid => "client id rejected (CONNACK 2)",
        MqttClientConnectResultCode.ServerUnavailable => "server unavailable (CONNACK 3)",
        MqttClientConnectResultCode.BadUserNameOrPassword => "bad user name or password (CONNACK 4)",
        // mosquitto answers a wrong password with this one.
        MqttClientConnectResultCode.NotAuthorized => "not authorised: wrong user name or password, or not allowed to connect (CONNACK 5)",
        _ => code.ToString(),
    };

    /// <summary>Refusals that retrying cannot cure: the credentials, the client id or the protocol must change first.</summary>
    public static bool IsPermanent(MqttClientConnectResultCode code) => code is
        MqttClientConnectResultCode.UnsupportedProtocolVersion or
        MqttClientConnectResultCode.ClientIdentifierNotValid or
        MqttClientConnectResultCode.BadUserNameOrPassword or
        MqttClientConnectResultCode.NotAuthorized or
        MqttClientConnectResultCode.Banned or
        MqttClientConnectResultCode.BadAuthenticationMethod;

    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }
        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }
        return current;
    }
}
