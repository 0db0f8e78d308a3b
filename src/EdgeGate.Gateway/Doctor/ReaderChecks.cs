using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeGate.Configuration;

namespace EdgeGate.Gateway.Doctor;

/// <summary>Each configured card reader: its serial port exists and opens at its baud rate (a reader only speaks when a card is shown).</summary>
public sealed class ReaderChecks(IReadOnlyList<ReaderOptions> readers) : IDoctorCheck
{
    public async IAsyncEnumerable<DoctorFinding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        for (var index = 0; index < readers.Count; index++)
        {
            var reader = readers[index];
            var subject = $"reader {reader.Name}";
            var (stream, failure) = SerialDeviceProbe.TryOpen(subject, $"Readers:{index}:Port", reader.Port, reader.BaudRate);
            if (stream is null)
            {
                yield return failure!;
                continue;
            }
            stream.Dispose();
            yield return DoctorFinding.Ok(subject, string.Create(CultureInfo.InvariantCulture,
                $"{reader.Port} opens at {reader.BaudRate} baud ({reader.Format}, door {reader.Door})"));
        }
    }
}
