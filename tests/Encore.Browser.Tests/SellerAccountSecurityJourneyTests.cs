using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpNet;

namespace Encore.Browser.Tests;

/// <summary>
/// Issue 14's seller account security in Chromium: a seller who forgot the password resets it from the mail's link and
/// signs in with the new one; turns on two-factor sign-in by reading the key off the page into an "app" (Otp.NET, not
/// Encore's code), signs out, and signs in again with the password and the app's code.
/// </summary>
public sealed class SellerAccountSecurityJourneyTests(MailBrowserApp app) : IClassFixture<MailBrowserApp>
{
    [Fact]
    public async Task A_seller_resets_the_password_from_the_mail_turns_on_two_factor_and_signs_in_with_a_code()
    {
        var email = $"secure-{Guid.NewGuid():N}@example.com";
        const string name = "Secure Studio";
        await app.SignUpSellerAsync(await app.NewBuyerAsync(), name, email, "a long enough password");

        // Forgot the password: the sign-in page's link, the mail, a new password.
        var page = await app.NewBuyerAsync();
        await page.GotoAsync("/seller/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();
        await app.SendEmailsAsync();
        var mail = Assert.Single(app.Smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == email) && m.Subject == "Choose a new password for your Encore account");
        var link = Regex.Match(mail.TextBody!, @"http://127\.0\.0\.1:\d+/seller/reset/\S+").Value;
        Assert.NotEmpty(link);
        await page.GotoAsync(link);
        const string newPassword = "a fresh and long passphrase";
        await page.GetByLabel("New password (at least 10 characters)").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the new password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password was changed");
        await SignInAsync(page, email, newPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();

        // Two-factor on: the QR code drawn (under the page's CSP), the key read off the page into the "app".
        await page.GotoAsync("/seller/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Turn on two-factor" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor" }).ClickAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" });
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0);
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var app2 = new Totp(Base32Encoding.ToBytes(key));
        await page.GetByLabel("6-digit code").FillAsync(app2.ComputeTotp(DateTime.UtcNow));
        await page.GetByLabel("Your password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the code and turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await Assertions.Expect(page.GetByTestId("two-factor-status")).ToContainTextAsync("is on");

        // Signed out, the password alone is not enough: the app's code completes the sign-in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out");
        await SignInAsync(page, email, newPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your sign-in code" })).ToBeVisibleAsync();
        await page.GetByLabel("Code").FillAsync(app2.ComputeTotp(DateTime.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/seller/sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
