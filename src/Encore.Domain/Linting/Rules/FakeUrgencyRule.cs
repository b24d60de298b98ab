namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A one-time offer is urgent by construction: it is shown once, right after the purchase. Countdown or
/// scarcity wording in the headline or body ("only 3 left", "expires in 10:00", "last chance", "hurry"), a
/// running timer ("09:59") or a countdown element (<c>&lt;countdown&gt;</c>, <c>data-countdown</c>,
/// <c>class="timer"</c>) invents urgency that is not there. The patterns live in <see cref="UrgencyWording"/>;
/// honest copy such as "one-time offer", "today only, with your order", "4-week program" or "calls at 7:30 pm"
/// passes. One finding per step, quoting what was found.
/// </summary>
public sealed class FakeUrgencyRule : IOfferRule
{
    public string Code => "fake-urgency";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var step in context.Steps)
        {
            var found = UrgencyWording.Find($"{step.Headline}\n{step.Body}");
            if (found.Count == 0) continue;
            yield return new LintFinding(Code, LintSeverity.Warning, step.Id,
                $"The copy of {Names.Of(step)} pushes with invented urgency: {Names.List(found.Select(f => $"\"{f}\"").ToList())}. " +
                "The offer is already shown only once, right now: drop countdowns and scarcity claims, and say plainly why it is the right next step.");
        }
    }
}
