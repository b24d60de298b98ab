using System.Reflection;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// What a seller's password may not be, beside Identity's minimum length (NIST SP 800-63B §5.1.1.2: a blocklist, not
/// composition rules): one of the 10,000 most common passwords (shipped: SecLists' <c>10k-most-common.txt</c>, MIT), one
/// of them with digits or symbols around it or letters swapped for look-alikes (<c>Password123!</c>, <c>p@ssw0rd</c>),
/// a short pattern repeated (<c>aaaaaaaaaa</c>, <c>abcabcabca</c>), fewer than 5 different characters, a run like
/// <c>0123456789</c>, or anything containing the account's e-mail address or the name before its <c>@</c>. Runs wherever
/// Identity sets a password (sign-up, change), and on sign-up before anything is written.
/// </summary>
public sealed class PasswordRules : IPasswordValidator<SellerUser>
{
    public const int MinimumLength = 10;
    private const int MinimumDistinct = 5;

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<SellerUser> manager, SellerUser user, string? password)
    {
        var errors = Check(password ?? "", user.Email).Select(e => new IdentityError { Code = e.Code, Description = e.Message }).ToArray();
        return Task.FromResult(errors.Length == 0 ? IdentityResult.Success : IdentityResult.Failed(errors));
    }

    /// <summary>Every rule the password breaks (the minimum length is Identity's own), each with a message for the seller.</summary>
    public static List<(string Code, string Message)> Check(string password, string? email)
    {
        var errors = new List<(string, string)>();
        var lower = password.ToLowerInvariant();
        if (Common.Value.Contains(lower))
            errors.Add(("CommonPassword", "This password is one of the 10,000 most common passwords, the first ones anyone guessing tries. Choose another: a few unrelated words make a strong one."));
        else if (Disguised(lower))
            errors.Add(("CommonPasswordVariant", "This password is a very common password with digits, symbols or look-alike letters added, which guessers try too. Choose another."));
        if (Period(lower) is var period && period < lower.Length && (period <= 4 || Common.Value.Contains(lower[..period]) || Disguised(lower[..period])))
            errors.Add(("RepeatedPattern", "This password repeats a short pattern or a common password. Choose one without repetition."));
        else if (lower.Distinct().Count() < MinimumDistinct)
            errors.Add(("TooFewDifferentCharacters", $"This password uses fewer than {MinimumDistinct} different characters. Choose one with more variety."));
        if (IsRun(lower))
            errors.Add(("Sequence", "This password is a run of consecutive characters (like 0123456789). Choose another."));
        if (!string.IsNullOrWhiteSpace(email))
        {
            var address = email.Trim().ToLowerInvariant();
            var name = address.Split('@')[0];
            if (lower.Contains(address, StringComparison.Ordinal) || (name.Length >= 3 && lower.Contains(name, StringComparison.Ordinal)))
                errors.Add(("ContainsEmail", "The password must not contain your e-mail address or the name before its @."));
        }
        return errors;
    }

    /// <summary>A common password once the digits and symbols around it are taken off and look-alikes read back (lower case).</summary>
    private static bool Disguised(string lower)
    {
        var core = lower.Trim(Decoration);
        return core.Length > 0 && (Common.Value.Contains(core) || Unleet(core).Any(Common.Value.Contains));
    }

    /// <summary>Digits, punctuation and spaces people put around a word to satisfy composition rules.</summary>
    private static readonly char[] Decoration = " 0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".ToCharArray();

    /// <summary>The word behind common look-alike swaps (1 read both as i and as l).</summary>
    private static IEnumerable<string> Unleet(string word)
    {
        static string Swap(string s, char one) => new(s.Select(c => c switch
        {
            '0' => 'o', '1' => one, '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '8' => 'b', '9' => 'g',
            '@' => 'a', '$' => 's', '!' => 'i', '|' => 'l', '+' => 't',
            _ => c,
        }).ToArray());
        yield return Swap(word, 'i');
        yield return Swap(word, 'l');
    }

    /// <summary>
    /// The length of the shortest unit the password is made of repeated, the last time perhaps cut short (m0nk3y-m0nk3y is
    /// "m0nk3y-" twice, less the last dash); the whole length when there is none.
    /// </summary>
    private static int Period(string s)
    {
        for (var p = 1; p <= (s.Length + 1) / 2; p++)
        {
            var repeats = true;
            for (var i = p; i < s.Length && repeats; i++) repeats = s[i] == s[i - p];
            if (repeats) return p;
        }
        return s.Length;
    }

    private static bool IsRun(string s)
    {
        if (s.Length < 3) return false;
        var step = s[1] - s[0];
        if (step is not (1 or -1)) return false;
        for (var i = 2; i < s.Length; i++) if (s[i] - s[i - 1] != step) return false;
        return true;
    }

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Encore.CommonPasswords.txt")
                           ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Trim() is { Length: > 0 } word) set.Add(word.ToLowerInvariant());
        return set;
    }
}
