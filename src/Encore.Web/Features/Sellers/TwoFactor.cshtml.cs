using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// Turning two-factor sign-in on (a key shown as a QR code and as text, then the password and a code from the app prove
/// who is there and that the app is set up, then 10 recovery codes shown once) and off, and new recovery codes; turning
/// off and new codes take the password or a current code. A refused attempt says why and changes nothing.
/// </summary>
public sealed class TwoFactorModel(UserManager<SellerUser> users, SellerTwoFactor twoFactor, SellerSignIns signIns) : PageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Proof { get; set; }
    public bool Enabled { get; private set; }
    public string? Key { get; private set; }
    public string? QrCode { get; private set; }
    public int CodesLeft { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    public string? Notice { get; private set; }
    public List<string> Errors { get; } = [];

    private string? Client => HttpContext.Connection.RemoteIpAddress?.ToString();

    public async Task<IActionResult> OnGetAsync(string? recovery, string? off)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (recovery is not null) Notice = "You signed in with a recovery code; it will not work again. Running low? Make new ones below.";
        else if (off is not null) Notice = "Two-factor sign-in is off. Every other device was signed out.";
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostSetupAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (!user.TwoFactorEnabled) await twoFactor.NewKeyAsync(user, cancellationToken);
        return Redirect("/seller/account/two-factor");
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (user.TwoFactorEnabled) return Redirect("/seller/account/two-factor");
        var password = await twoFactor.CheckPasswordAsync(user, Password, signIns, Client, cancellationToken);
        Password = null;
        if (Refused(password, "That is not your password. Two-factor is still off."))
        {
            Code = null;
            return await ShowAsync(user);
        }
        var (check, codes) = await twoFactor.EnableAsync(user, Code, Client, cancellationToken);
        Code = null;
        if (!Refused(check, "That code is not right: enter the 6 digits your app shows for Encore now (they change every 30 seconds). Two-factor is still off."))
        {
            RecoveryCodes = codes;
            Notice = "Two-factor sign-in is on. Every other device was signed out.";
        }
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (!user.TwoFactorEnabled) return Redirect("/seller/account/two-factor");
        var check = await twoFactor.DisableAsync(user, Proof, signIns, Client, cancellationToken);
        Proof = null;
        if (Refused(check, "That is neither your password nor a current code from your app. Two-factor is still on.")) return await ShowAsync(user);
        return Redirect("/seller/account/two-factor?off=1");
    }

    public async Task<IActionResult> OnPostCodesAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (!user.TwoFactorEnabled) return Redirect("/seller/account/two-factor");
        var (check, codes) = await twoFactor.RegenerateCodesAsync(user, Proof, signIns, Client, cancellationToken);
        Proof = null;
        if (!Refused(check, "That is neither your password nor a current code from your app. Your recovery codes are unchanged."))
        {
            RecoveryCodes = codes;
            Notice = "New recovery codes are made; the old ones no longer work.";
        }
        return await ShowAsync(user);
    }

    /// <summary>Sets the answer's status and error for a refused check; false when it was right.</summary>
    private bool Refused(SellerTwoFactor.Check check, string wrong)
    {
        switch (check.Outcome)
        {
            case SellerTwoFactor.Outcome.Right:
                return false;
            case SellerTwoFactor.Outcome.Throttled:
                Errors.Add(SellerTwoFactor.ThrottledMessage(check));
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return true;
            default:
                Errors.Add(wrong);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return true;
        }
    }

    private async Task<PageResult> ShowAsync(SellerUser user)
    {
        Response.Headers.CacheControl = "no-store"; // a key or recovery codes may be on it
        Enabled = user.TwoFactorEnabled;
        if (Enabled) CodesLeft = await twoFactor.RecoveryCodesLeftAsync(user);
        else if (await users.GetAuthenticatorKeyAsync(user) is { } key)
        {
            Key = SellerTwoFactor.Readable(key);
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(SellerTwoFactor.AuthenticatorUri(user.Email!, key), QRCodeGenerator.ECCLevel.Q);
            QrCode = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
        }
        return Page();
    }
}
