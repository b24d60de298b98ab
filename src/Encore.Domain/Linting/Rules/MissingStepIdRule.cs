namespace Encore.Domain.Linting.Rules;

/// <summary>A step without an id cannot be pointed at by any yes or no edge, nor be the entry. Steps are numbered as the seller lists them.</summary>
public sealed class MissingStepIdRule : IOfferRule
{
    public string Code => "missing-step-id";

    public IEnumerable<LintFinding> Check(LintContext context) =>
        (context.Definition?.Steps ?? []).Select((step, index) => (step, index)).Where(x => x.step is not null && string.IsNullOrWhiteSpace(x.step.Id)).Select(x =>
            new LintFinding(Code, LintSeverity.Error, null,
                $"Step {x.index + 1} ({Names.Of(x.step)}) has no id. Give every step a short unique id, such as 'audio-offer', so the yes and no edges can lead to it."));
}
