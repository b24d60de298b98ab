namespace Encore.Domain.Linting;

/// <summary>How serious a finding is.</summary>
public enum LintSeverity
{
    /// <summary>Explains a likely mistake; publishing goes ahead.</summary>
    Warning,

    /// <summary>Blocks publishing until it is fixed.</summary>
    Error,
}
