using System.Reflection;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Stripe;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// Holds what a <see cref="FakeStripeServer"/> served and read against the Stripe.net that Directory.Packages.props pins,
/// so that the fake cannot drift from it:
/// <list type="bullet">
/// <item>every route it served is mapped in <see cref="Routes"/> (a route nobody mapped, or a request no route matched, is a problem);</item>
/// <item>every body it served reads into the route's Stripe.net entity, or an error body into Stripe's error object, with
/// unknown members treated as errors;</item>
/// <item>every parameter it read is a property (<c>[JsonProperty]</c> name) of the route's Stripe.net options class, nested
/// keys (<c>metadata[x]</c>, <c>created[gte]</c>, <c>payment_method_options[card][…]</c>) through the nested option types;</item>
/// <item>every parameter a request sent to a route that ran (2xx, or a 402 decline) is one the fake reads there: else the
/// fake would ignore it silently, and a test would pass that Stripe might fail.</item>
/// </list>
/// A new route of the fake needs its line in <see cref="Routes"/>. The fake's own test routes (<c>/fake/…</c>) are not Stripe's
/// and are not held against Stripe.net. Every Stripe fixture (the web tests' StripeApp, the browser tests' StripeBrowserApp)
/// checks its fake when disposed: a problem fails the run as the test class's cleanup failure, whose message lists it
/// (<c>dotnet test --logger "console;verbosity=detailed"</c> prints it).
/// </summary>
public static partial class FakeStripeConformance
{
    /// <summary>Every route the fake serves: the Stripe.net entity of its body, and the options class of its parameters.</summary>
    public static readonly IReadOnlyDictionary<string, (Type Entity, Type Options)> Routes = new Dictionary<string, (Type, Type)>
    {
        ["POST /v1/customers"] = (typeof(Customer), typeof(CustomerCreateOptions)),
        ["GET /v1/payment_methods/{id}"] = (typeof(PaymentMethod), typeof(PaymentMethodGetOptions)),
        ["POST /v1/payment_methods/{id}/detach"] = (typeof(PaymentMethod), typeof(PaymentMethodDetachOptions)),
        ["POST /v1/payment_intents"] = (typeof(PaymentIntent), typeof(PaymentIntentCreateOptions)),
        ["POST /v1/payment_intents/{id}/confirm"] = (typeof(PaymentIntent), typeof(PaymentIntentConfirmOptions)),
        ["GET /v1/payment_intents/search"] = (typeof(StripeSearchResult<PaymentIntent>), typeof(PaymentIntentSearchOptions)),
        ["GET /v1/payment_intents"] = (typeof(StripeList<PaymentIntent>), typeof(PaymentIntentListOptions)),
        ["GET /v1/payment_intents/{id}"] = (typeof(PaymentIntent), typeof(PaymentIntentGetOptions)),
        ["POST /v1/refunds"] = (typeof(Refund), typeof(RefundCreateOptions)),
        ["GET /v1/refunds/{id}"] = (typeof(Refund), typeof(RefundGetOptions)),
        ["GET /v1/refunds"] = (typeof(StripeList<Refund>), typeof(RefundListOptions)),
        ["POST /v1/setup_intents"] = (typeof(SetupIntent), typeof(SetupIntentCreateOptions)),
        ["GET /v1/setup_intents/{id}"] = (typeof(SetupIntent), typeof(SetupIntentGetOptions)),
        ["GET /v1/setup_intents"] = (typeof(StripeList<SetupIntent>), typeof(SetupIntentListOptions)),
        ["POST /v1/test_helpers/confirmation_tokens"] = (typeof(ConfirmationToken), typeof(Stripe.TestHelpers.ConfirmationTokenCreateOptions)),
        ["GET /v1/confirmation_tokens/{id}"] = (typeof(ConfirmationToken), typeof(ConfirmationTokenGetOptions)),
    };

    private static readonly JsonSerializerSettings Strict = new() { MissingMemberHandling = MissingMemberHandling.Error };

    /// <summary>Fails with every problem found in what the fake served, read and was sent.</summary>
    public static void AssertConforms(FakeStripeServer stripe)
    {
        var problems = Problems(stripe.Served, stripe.ParametersRead, stripe.ParametersSent);
        if (problems.Count > 0)
            Assert.Fail($"The fake Stripe drifted from Stripe.net ({problems.Count}):{Environment.NewLine}" + string.Join(Environment.NewLine, problems));
    }

    public static List<string> Problems(
        IEnumerable<FakeStripeResponse> served, IEnumerable<FakeStripeParameter> read, IEnumerable<FakeStripeParameter> sent)
    {
        var problems = new List<string>();
        var unmapped = new HashSet<string>();
        bool Mapped(string route, out (Type Entity, Type Options) types)
        {
            if (Routes.TryGetValue(route, out types)) return true;
            if (unmapped.Add(route))
                problems.Add(route.StartsWith("(no route)", StringComparison.Ordinal)
                    ? $"{route}: the fake has no such route, yet it was called"
                    : $"{route}: served, but not mapped to a Stripe.net type in FakeStripeConformance.Routes");
            return false;
        }

        foreach (var response in served.Where(r => !FakeStripeServer.IsFakesOwn(r.Route)).DistinctBy(r => (r.Route, r.Status, r.Body)))
        {
            if (!Mapped(response.Route, out var types)) continue;
            var type = response.Status is >= 200 and < 300 ? types.Entity : typeof(ErrorBody);
            try
            {
                if (JsonConvert.DeserializeObject(response.Body, type, Strict) is null) problems.Add($"{response.Route} {response.Status}: an empty body");
            }
            catch (JsonException e)
            {
                problems.Add($"{response.Route} {response.Status}: does not read as {type.Name}: {e.Message}");
            }
        }
        var reads = read.Where(p => !FakeStripeServer.IsFakesOwn(p.Route)).ToList();
        foreach (var parameter in reads.Distinct())
        {
            if (!Mapped(parameter.Route, out var types)) continue;
            if (!HasOption(types.Options, Segments(parameter.Name)))
                problems.Add($"{parameter.Route}: the fake reads '{parameter.Name}', which {types.Options.FullName} does not have");
        }
        var readNames = reads.Select(p => (p.Route, p.Name)).ToHashSet();
        foreach (var parameter in sent.Where(p => !FakeStripeServer.IsFakesOwn(p.Route)).Distinct())
            if (!readNames.Contains((parameter.Route, parameter.Name)))
                problems.Add($"{parameter.Route}: '{parameter.Name}' was sent, and the fake never reads it (it would be ignored)");
        return problems;
    }

    /// <summary>Whether an options type has the parameter: its first segment a property, the rest through the property's type.</summary>
    private static bool HasOption(Type type, ReadOnlySpan<string> segments)
    {
        if (segments.IsEmpty) return true;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType && type.FullName!.StartsWith("Stripe.AnyOf`", StringComparison.Ordinal))
        {
            foreach (var alternative in type.GetGenericArguments())
                if (HasOption(alternative, segments)) return true;
            return false;
        }
        if (DictionaryValue(type) is not null) return true; // metadata[any key]
        if (ListItem(type) is { } item)
            return (segments[0].Length == 0 || segments[0].All(char.IsAsciiDigit)) && HasOption(item, segments[1..]);
        var name = segments[0];
        var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
            p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName == name);
        return property is not null && HasOption(property.PropertyType, segments[1..]);
    }

    private static Type? DictionaryValue(Type type) => type.GetInterfaces().Append(type)
        .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static Type? ListItem(Type type) => type == typeof(string) ? null : type.GetInterfaces().Append(type)
        .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>))?.GetGenericArguments()[0];

    /// <summary><c>payment_method_options[card][request_three_d_secure]</c> → payment_method_options, card, request_three_d_secure.</summary>
    private static string[] Segments(string name)
    {
        var match = ParameterName().Match(name);
        return match.Success ? [match.Groups["head"].Value, .. match.Groups["key"].Captures.Select(c => c.Value)] : [name];
    }

    [GeneratedRegex(@"^(?<head>[^\[\]]+)(?:\[(?<key>[^\[\]]*)\])*$")]
    private static partial Regex ParameterName();

    /// <summary>An error answer: <c>{"error": {…}}</c>, Stripe's error object and nothing else.</summary>
    private sealed class ErrorBody
    {
        [JsonProperty("error", Required = Required.Always)]
        public StripeError Error { get; set; } = null!;
    }
}
