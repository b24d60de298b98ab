namespace Encore.Domain.Linting;

/// <summary>One thing the linter found.</summary>
/// <param name="Code">A stable, kebab-case code such as <c>unrelated-offer</c>; clients may switch on it.</param>
/// <param name="Severity">An error blocks publishing; a warning does not.</param>
/// <param name="StepId">The step it is about; null when it is about the funnel, the main product or a bump.</param>
/// <param name="Message">One or two plain sentences: what is wrong, and what to do instead.</param>
public sealed record LintFinding(string Code, LintSeverity Severity, string? StepId, string Message)
{
    public bool IsError => Severity == LintSeverity.Error;
}
