namespace Encore.Domain.Linting;

public enum LintSeverity
{
    /// <summary>Explains a likely mistake; publishing goes ahead.</summary>
    Warning,

    /// <summary>Blocks publishing until it is fixed.</summary>
    Error,
}

/// <summary>One thing the linter found: a stable code, how serious it is, the step it is about, and what to do.</summary>
public sealed record LintFinding(string Code, LintSeverity Severity, string? StepId, string Message);
