using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGate.Configuration;

/// <summary>
/// The configuration's sections as <see cref="IOptions{TOptions}"/>, bound from the configuration
/// and validated when the host starts (<c>ValidateOnStart</c>): a bad value stops the host before
/// any service runs, with the same message, naming the same key, as <see cref="EdgeGateSettings.FromConfiguration"/>.
/// The rules stay where they are (<see cref="EdgeGateSettings.Validate"/> and the key and value
/// check before binding); each section's validator reports what they find in that section.
/// </summary>
public static class EdgeGateOptions
{
    /// <summary>
    /// Binds every section with a schema (<c>Gateway</c>, <c>Models</c>, <c>Recognition</c>,
    /// <c>Policy</c>, <c>Uplink</c>, <c>Journal</c>, <c>LockBroker</c>, <c>Api</c>, and the lists
    /// <c>Cameras</c>, <c>Doors</c>, <c>Readers</c> as <c>List&lt;T&gt;</c>) and validates each at start.
    /// A top-level key that is no section is not bound to anything; <see cref="EdgeGateSettings.FromConfiguration"/>
    /// reports it.
    /// </summary>
    public static IServiceCollection AddEdgeGateOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var check = EdgeGateSettings.Check(configuration);
        Add<GatewayOptions>(services, GatewayOptions.SectionName, check);
        Add<ModelOptions>(services, ModelOptions.SectionName, check);
        Add<RecognitionOptions>(services, RecognitionOptions.SectionName, check);
        Add<PolicyOptions>(services, PolicyOptions.SectionName, check);
        Add<UplinkOptions>(services, UplinkOptions.SectionName, check);
        Add<JournalOptions>(services, JournalOptions.SectionName, check);
        Add<LockBrokerOptions>(services, LockBrokerOptions.SectionName, check);
        Add<ApiOptions>(services, ApiOptions.SectionName, check);
        Add<List<CameraOptions>>(services, "Cameras", check);
        Add<List<DoorOptions>>(services, "Doors", check);
        Add<List<ReaderOptions>>(services, "Readers", check);
        return services;
    }

    /// <summary>
    /// The configuration problems a host's start failed with (its options validated at start), or
    /// null when it failed for another reason.
    /// </summary>
    public static IReadOnlyList<string>? Problems(Exception exception) => exception switch
    {
        OptionsValidationException validation => validation.Failures.ToList(),
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => inner is OptionsValidationException)
            => aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(validation => validation.Failures).ToList(),
        _ => null,
    };

    private static void Add<TOptions>(IServiceCollection services, string section, ConfigurationCheck check)
        where TOptions : class
    {
        // Bound from what the check left: an unknown key or unreadable value is reported by the
        // validator (with what is accepted) instead of failing the binder with .NET's own text.
        services.AddOptions<TOptions>().Bind(check.Checked.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidation<TOptions>(section, check.Errors));
    }

    /// <summary>
    /// One section's findings of <see cref="EdgeGateSettings.Check"/>, which looks at the whole
    /// configuration because some rules span sections (<c>Journal:HistoryMaxRows</c> against
    /// <c>Uplink:JournalCapacity</c>, a camera's <c>Door</c> against <c>Doors</c>); each finding
    /// starts with the key it is about, so it belongs to that key's section.
    /// </summary>
    private sealed class SectionValidation<TOptions>(string section, IReadOnlyList<string> errors) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = errors.Where(error => error.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
