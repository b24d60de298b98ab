using System.Text.RegularExpressions;

namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A one-time offer is urgent by construction: it is shown once, now. Countdown or scarcity wording in the
/// copy ("only 3 left", "expires in 10:00", "last chance") or a countdown element invents urgency that is
/// not there, and buyers and regulators notice.
/// </summary>
public sealed partial class FakeUrgencyRule : IOfferRule
{
    public bool NeedsWellFormedGraph => false;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var step in context.Steps)
        {
            var copy = $"{step.Headline}\n{step.Body}";
            var match = Scarcity().Match(copy) is { Success: true } words ? words : Countdown().Match(copy);
            if (!match.Success) continue;
            yield return new LintFinding("fake-urgency", LintSeverity.Warning, step.Id,
                $"The copy of \"{step.ProductName}\" says \"{match.Value.Trim()}\". The offer is already shown only once, right now; " +
                "drop countdowns and scarcity claims and say plainly why it is the right next step.");
        }
    }

    [GeneratedRegex(
        @"\b(only \d+ (left|remaining|spots?|seats?|places?|copies)|last chance|hurry|act (now|fast)|limited[- ]time|(ends|expires|closes) (in|tonight|today|soon|at midnight)|before it'?s gone|(almost|nearly) (gone|sold out)|selling fast|don'?t miss out|now or never|countdown)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex Scarcity();

    [GeneratedRegex(@"(\b\d{1,2}:\d{2}(:\d{2})?\b(?!\s?(am|pm))|<\s*countdown|data-countdown|class\s*=\s*[""'][^""']*\b(timer|countdown)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex Countdown();
}
