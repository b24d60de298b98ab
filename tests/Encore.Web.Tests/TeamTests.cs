using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Audit;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// Team members with roles and the audit log: staff join by a one-time invitation and run the shop but never move money
/// back nor hold keys; a role change or removal ends the member's sessions at once; the team keeps an owner; every
/// audited change is recorded once, with who did it, in its own transaction, and shows in the exports.
/// </summary>
public abstract partial class TeamTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : EncoreApp
{
    private TestSmtpServer _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        if (app.Kind == DatabaseKind.Postgres && TestDatabase.PostgresServer is null) return;
        _smtp = new TestSmtpServer(app.SmtpPort);
        await _smtp.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private const string Forbidden = "Only an owner of your team can do this";

    /// <summary>The owner invites on the team page; the mail is sent over SMTP and its link read from it.</summary>
    private async Task<string> InviteAsync(HttpClient owner, string email, string role)
    {
        var team = await FormPage.GetAsync(owner, "/seller/team");
        var invited = await team.PostAsync(owner, "/seller/team?handler=invite", ("email", email), ("role", role));
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        await app.SendEmailsAsync();
        var mail = Assert.Single(_smtp.Messages, m => m.To.Mailboxes.Any(a => a.Address == email));
        return new Uri(InviteLink().Match(mail.TextBody ?? "").Value).PathAndQuery;
    }

    /// <summary>The invited person chooses a password; the client then carries their session.</summary>
    private static async Task<HttpClient> JoinAsync(EncoreApp app, string link)
    {
        var client = app.CreateClient();
        var form = await FormPage.GetAsync(client, link);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var joined = await form.PostAsync(client, link, ("Password", Sellers.Password));
        Assert.Equal("/seller", joined.Headers.Location?.OriginalString);
        return client;
    }

    private Task<List<AuditEntry>> EntriesAsync(Guid sellerId, DateTimeOffset since) =>
        app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.SellerId == sellerId && e.At >= since).ToListAsync());

    private Task<SellerUser> UserAsync(string email) =>
        app.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email));

    [Fact]
    public async Task Staff_join_by_a_one_time_invitation_run_the_shop_and_are_refused_what_only_owners_do()
    {
        var owner = await app.SignInAsDemoAsync();
        var (orderId, buyerEmail, _) = await Orders.BuyAsync(app);
        var staffEmail = $"staff-{Guid.NewGuid():N}@example.com";
        var link = await InviteAsync(owner, staffEmail, "staff");
        Assert.Contains(staffEmail, await owner.GetStringAsync("/seller/team"));
        var again = await (await FormPage.GetAsync(owner, "/seller/team")).PostAsync(owner, "/seller/team?handler=invite", ("email", staffEmail), ("role", "staff"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already has an invitation waiting", await again.Content.ReadAsStringAsync());
        // The row keeps the mail without its link, and the invitation only the token's hash.
        Assert.DoesNotContain("/seller/invite/", await app.QueryAsync(db => db.EmailMessages
            .Where(m => m.Kind == EmailKind.TeamInvite && m.To == staffEmail).Select(m => m.TextBody).SingleAsync()));
        var token = link["/seller/invite/".Length..];
        Assert.Equal(Encore.Web.Infrastructure.SecretTokens.Hash(token),
            await app.QueryAsync(db => db.SellerInvites.Where(i => i.Email == staffEmail).Select(i => i.TokenHash).SingleAsync()));

        // An altered link opens nothing; a weak password is refused and creates nothing.
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(link[..^2] + (link[^2] == 'a' ? "b" : "a") + link[^1])).StatusCode);
        var form = await FormPage.GetAsync(anonymous, link);
        Assert.Contains("<strong>staff</strong>", form.Html);
        var weak = await form.PostAsync(anonymous, link, ("Password", "password1234"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("common password", await weak.Content.ReadAsStringAsync());
        Assert.False(await app.QueryAsync(db => db.Users.AnyAsync(u => u.Email == staffEmail)));

        var staff = await JoinAsync(app, link);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(link)).StatusCode); // once
        var member = await UserAsync(staffEmail);
        Assert.Equal((DemoSeed.SellerId, SellerRole.Staff), (member.SellerId, member.Role));

        // Staff run the shop and read orders, subscriptions and analytics; the owners' links and the refund button are not shown.
        foreach (var path in new[] { "/seller", "/seller/products", "/seller/orders", "/seller/subscriptions" })
            Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(path)).StatusCode);
        var home = await staff.GetStringAsync("/seller");
        foreach (var hidden in new[] { "/seller/api-keys", "/seller/webhooks", "/seller/team", "/seller/audit", "/seller/erase-requests" })
        {
            Assert.DoesNotContain($"href=\"{hidden}\"", home);
            Assert.Contains($"href=\"{hidden}\"", await owner.GetStringAsync("/seller"));
        }
        var order = await FormPage.GetAsync(staff, $"/seller/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, order.Status);
        Assert.DoesNotContain("handler=refund", order.Html);
        Assert.Contains("An owner of your team can refund", order.Html);

        // Hidden is not the check: the server refuses every page and form of the owners, and nothing changes.
        var mainLine = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var secret = await app.QueryAsync(db => db.Sellers.Where(s => s.Id == DemoSeed.SellerId).Select(s => s.SigningSecret).SingleAsync());
        var keys = await app.QueryAsync(db => db.SellerApiKeys.CountAsync());
        foreach (var path in new[]
                 {
                     "/seller/api-keys", "/seller/webhooks", "/seller/team", "/seller/audit", "/seller/audit?handler=export&format=csv",
                     "/seller/erase-requests", $"/seller/erase-requests?handler=export&email={Uri.EscapeDataString(buyerEmail)}",
                 })
        {
            var refused = await staff.GetAsync(path);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)refused.StatusCode}");
            Assert.Contains(Forbidden, await refused.Content.ReadAsStringAsync());
        }
        foreach (var (path, fields) in new (string, (string, string)[])[]
                 {
                     ($"/seller/orders/{orderId}?handler=refund", [("lineId", mainLine.Id.ToString()), ("amount", "47.00"), ("key", Guid.NewGuid().ToString("N"))]),
                     ("/seller/api-keys?handler=create", [("name", "staff's key")]),
                     ("/seller/api-keys?handler=rotatesecret", []),
                     ("/seller/webhooks?handler=create", [("url", "https://hooks.example/staff")]),
                     ("/seller/team?handler=invite", [("email", "friend@example.com"), ("role", "owner")]),
                     ("/seller/team?handler=role", [("userId", member.Id.ToString()), ("role", "owner")]),
                     ("/seller/erase-requests?handler=erase", [("email", buyerEmail)]),
                 })
        {
            var refused = await order.PostAsync(staff, path, fields);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)refused.StatusCode}");
        }
        Assert.Equal(0, (await Orders.LineAsync(app, orderId, OrderLineKind.Main)).RefundedAmount);
        Assert.False(await app.QueryAsync(db => db.Refunds.AnyAsync(r => r.OrderId == orderId)));
        Assert.Equal(secret, await app.QueryAsync(db => db.Sellers.Where(s => s.Id == DemoSeed.SellerId).Select(s => s.SigningSecret).SingleAsync()));
        Assert.Equal(keys, await app.QueryAsync(db => db.SellerApiKeys.CountAsync()));
        Assert.Equal(SellerRole.Staff, (await UserAsync(staffEmail)).Role);
        Assert.False(await app.QueryAsync(db => db.WebhookEndpoints.AnyAsync(e => e.Url == "https://hooks.example/staff")));
        Assert.True(await app.QueryAsync(db => db.Orders.AnyAsync(o => o.Id == orderId && o.Email == buyerEmail)));
        // The staff member's only entry is joining.
        var own = await app.QueryAsync(db => db.AuditEntries.Where(e => e.ActorUserId == member.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([AuditActions.InviteAccepted], own);

        // An address with an Encore account already is told so when it accepts, and nothing changes.
        var (_, taken) = await app.SignUpAsync("Other Studio");
        var takenLink = await InviteAsync(owner, taken, "staff");
        var takenForm = await FormPage.GetAsync(anonymous, takenLink);
        var refusal = await takenForm.PostAsync(anonymous, takenLink, ("Password", Sellers.Password));
        Assert.Equal(HttpStatusCode.Conflict, refusal.StatusCode);
        Assert.Contains("already has an Encore account", await refusal.Content.ReadAsStringAsync());
        Assert.NotEqual(DemoSeed.SellerId, (await UserAsync(taken)).SellerId);

        // A link works for 7 days.
        var lateEmail = $"late-{Guid.NewGuid():N}@example.com";
        var late = await InviteAsync(owner, lateEmail, "staff");
        app.Clock.Advance(Encore.Web.Features.Sellers.Team.SellerTeam.InviteLifetime + TimeSpan.FromMinutes(1));
        var expired = await FormPage.GetAsync(anonymous, late);
        Assert.Equal(HttpStatusCode.NotFound, expired.Status);
        Assert.False(await app.QueryAsync(db => db.Users.AnyAsync(u => u.Email == lateEmail)));
    }

    [Fact]
    public async Task A_role_change_or_removal_ends_the_members_sessions_and_the_last_owner_stays()
    {
        var start = app.Clock.GetUtcNow();
        var (owner, ownerEmail) = await app.SignUpAsync("Team Studio");
        var ownerUser = await UserAsync(ownerEmail);
        var sellerId = ownerUser.SellerId;

        // The only owner can be neither demoted nor removed.
        var team = await FormPage.GetAsync(owner, "/seller/team");
        foreach (var (handler, fields) in new (string, (string, string)[])[]
                 {
                     ("role", [("userId", ownerUser.Id.ToString()), ("role", "staff")]),
                     ("remove", [("userId", ownerUser.Id.ToString())]),
                 })
        {
            var refused = await team.PostAsync(owner, $"/seller/team?handler={handler}", fields);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("only owner", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(SellerRole.Owner, (await UserAsync(ownerEmail)).Role);

        var memberEmail = $"member-{Guid.NewGuid():N}@example.com";
        var member = await JoinAsync(app, await InviteAsync(owner, memberEmail, "staff"));
        var memberId = (await UserAsync(memberEmail)).Id;
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/seller/team")).StatusCode);

        // Made an owner: the staff session ends at once; signed in again, the member is an owner.
        Assert.Equal(HttpStatusCode.Redirect, (await team.PostAsync(owner, "/seller/team?handler=role", ("userId", memberId.ToString()), ("role", "owner"))).StatusCode);
        Assert.Contains("/seller/sign-in", (await member.GetAsync("/seller")).Headers.Location?.OriginalString);
        member = await app.SignInAsync(memberEmail, Sellers.Password);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/seller/team")).StatusCode);

        // Two owners: the first may step down, and the team still has one; then the last one cannot.
        var asMember = await FormPage.GetAsync(member, "/seller/team");
        Assert.Equal(HttpStatusCode.Redirect, (await asMember.PostAsync(member, "/seller/team?handler=role", ("userId", ownerUser.Id.ToString()), ("role", "staff"))).StatusCode);
        Assert.Contains("/seller/sign-in", (await owner.GetAsync("/seller")).Headers.Location?.OriginalString);
        var lastOwner = await asMember.PostAsync(member, "/seller/team?handler=role", ("userId", memberId.ToString()), ("role", "staff"));
        Assert.Equal(HttpStatusCode.BadRequest, lastOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await asMember.PostAsync(member, "/seller/team?handler=role", ("userId", ownerUser.Id.ToString()), ("role", "owner"))).StatusCode);

        // Removed: the member's session ends and the account is gone.
        owner = await app.SignInAsync(ownerEmail, Sellers.Password);
        team = await FormPage.GetAsync(owner, "/seller/team");
        Assert.Equal(HttpStatusCode.Redirect, (await team.PostAsync(owner, "/seller/team?handler=remove", ("userId", memberId.ToString()))).StatusCode);
        Assert.Contains("/seller/sign-in", (await member.GetAsync("/seller")).Headers.Location?.OriginalString);
        Assert.False(await app.QueryAsync(db => db.Users.AnyAsync(u => u.Id == memberId)));
        Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(app.CreateClient(), memberEmail, Sellers.Password)).StatusCode); // refused: the form again

        // A revoked invitation's link opens nothing.
        var revokedEmail = $"revoked-{Guid.NewGuid():N}@example.com";
        var revokedLink = await InviteAsync(owner, revokedEmail, "owner");
        var inviteId = await app.QueryAsync(db => db.SellerInvites.Where(i => i.Email == revokedEmail).Select(i => i.Id).SingleAsync());
        team = await FormPage.GetAsync(owner, "/seller/team");
        Assert.Equal(HttpStatusCode.Redirect, (await team.PostAsync(owner, "/seller/team?handler=revoke", ("inviteId", inviteId.ToString()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(revokedLink)).StatusCode);
        Assert.DoesNotContain(revokedEmail, await owner.GetStringAsync("/seller/team"));

        // Each change once, by whoever made it; the refused ones left nothing.
        var entries = await EntriesAsync(sellerId, start);
        string Line(AuditEntry e) => $"{e.Action} {e.SubjectId} by {e.Actor} ({e.ActorUserId})";
        Assert.Equal(new[]
        {
            $"{AuditActions.MemberInvited} {(await app.QueryAsync(db => db.SellerInvites.Where(i => i.Email == memberEmail).Select(i => i.Id).SingleAsync()))} by {ownerEmail} ({ownerUser.Id})",
            $"{AuditActions.InviteAccepted} {memberId} by {memberEmail} ({memberId})",
            $"{AuditActions.RoleChanged} {memberId} by {ownerEmail} ({ownerUser.Id})",
            $"{AuditActions.RoleChanged} {ownerUser.Id} by {memberEmail} ({memberId})",
            $"{AuditActions.RoleChanged} {ownerUser.Id} by {memberEmail} ({memberId})",
            $"{AuditActions.MemberRemoved} {memberId} by {ownerEmail} ({ownerUser.Id})",
            $"{AuditActions.MemberInvited} {inviteId} by {ownerEmail} ({ownerUser.Id})",
            $"{AuditActions.InviteRevoked} {inviteId} by {ownerEmail} ({ownerUser.Id})",
        }, entries.OrderBy(e => e.Id).Select(Line));
        var roleChanges = entries.Where(e => e.Action == AuditActions.RoleChanged).OrderBy(e => e.Id).Select(e => JsonNode.Parse(e.Details)!["to"]!.GetValue<string>());
        Assert.Equal(["owner", "staff", "owner"], roleChanges);
    }

    [Fact]
    public async Task Every_audited_action_is_recorded_once_with_its_actor_and_shows_in_the_exports()
    {
        var start = app.Clock.GetUtcNow();
        var owner = await app.SignInAsDemoAsync();
        var demo = await UserAsync(DemoSeed.DemoLoginEmail);
        var key = await Sellers.CreateApiKeyAsync(owner);
        var prefix = key[..12];
        var keyRow = await app.QueryAsync(db => db.SellerApiKeys.AsNoTracking().SingleAsync(k => k.Prefix == prefix));
        var api = app.ApiClient(key);
        api.DefaultRequestHeaders.Add(TestRemoteAddress.Header, "198.51.100.7");
        var (orderId, buyerEmail, _) = await Orders.BuyAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);

        // Refunds: through the API (the key) and the page (the person); refused ones record nothing.
        var byKey = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, null, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        var byKeyId = byKey["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.BadRequest, (await Orders.RefundAsync(api, orderId, main.Id, 999_999, Guid.NewGuid().ToString())).StatusCode);
        var orderPage = await FormPage.GetAsync(owner, $"/seller/orders/{orderId}");
        var tooMuch = await orderPage.PostAsync(owner, $"/seller/orders/{orderId}?handler=refund", ("lineId", main.Id.ToString()), ("amount", "999.00"), ("key", orderPage.Value("key")));
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        var byPerson = await orderPage.PostAsync(owner, $"/seller/orders/{orderId}?handler=refund", ("lineId", main.Id.ToString()), ("amount", "10.00"), ("key", orderPage.Value("key")));
        Assert.Equal(HttpStatusCode.Redirect, byPerson.StatusCode);
        var byPersonId = await app.QueryAsync(db => db.Refunds.Where(r => r.OrderLineId == main.Id).Select(r => r.Id).SingleAsync());

        // Keys, the signing secret, webhooks.
        var keysPage = await FormPage.GetAsync(owner, "/seller/api-keys");
        await keysPage.PostAsync(owner, "/seller/api-keys?handler=create", ("name", "short-lived"));
        var shortLived = await app.QueryAsync(db => db.SellerApiKeys.Where(k => k.SellerId == DemoSeed.SellerId && k.Name == "short-lived").Select(k => k.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await keysPage.PostAsync(owner, "/seller/api-keys?handler=revoke", ("id", shortLived.ToString()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await keysPage.PostAsync(owner, "/seller/api-keys?handler=revoke", ("id", shortLived.ToString()))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await keysPage.PostAsync(owner, "/seller/api-keys?handler=rotatesecret")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/v1/seller/signing-secret/rotate", null)).StatusCode);
        var hooks = await FormPage.GetAsync(owner, "/seller/webhooks");
        var hookUrl = $"https://hooks.example/{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await hooks.PostAsync(owner, "/seller/webhooks?handler=create", ("url", hookUrl))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await hooks.PostAsync(owner, "/seller/webhooks?handler=create", ("url", "not a url"))).StatusCode);
        var endpointId = await app.QueryAsync(db => db.WebhookEndpoints.Where(e => e.Url == hookUrl).Select(e => e.Id).SingleAsync());
        for (var i = 0; i < 2; i++) // disabled once; the second time changes nothing
            Assert.Equal(HttpStatusCode.Redirect, (await hooks.PostAsync(owner, $"/seller/webhooks/{endpointId}?handler=disable")).StatusCode);

        // Buyers' data: exported on the page and through the API, erased through the API (a second erase finds nothing).
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/seller/erase-requests?handler=export&email={Uri.EscapeDataString(buyerEmail)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/seller/buyers/export?email={Uri.EscapeDataString(buyerEmail)}")).StatusCode);
        var erased = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/buyers/erase", new { email = buyerEmail }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync("/api/v1/seller/buyers/erase", new { email = buyerEmail })).StatusCode);

        var entries = await EntriesAsync(DemoSeed.SellerId, start);
        var person = (DemoSeed.DemoLoginEmail, (Guid?)demo.Id, (Guid?)null);
        var apiKey = ($"API key tests ({keyRow.Prefix}…)", (Guid?)null, (Guid?)keyRow.Id);
        var addressHash = Encore.Web.Infrastructure.SecretTokens.Hash(buyerEmail);
        var expected = new (string Action, string? Subject, (string, Guid?, Guid?) Actor)[]
        {
            (AuditActions.ApiKeyCreated, keyRow.Id.ToString(), person),
            (AuditActions.RefundIssued, byKeyId, apiKey),
            (AuditActions.RefundIssued, byPersonId.ToString(), person),
            (AuditActions.ApiKeyCreated, shortLived.ToString(), person),
            (AuditActions.ApiKeyRevoked, shortLived.ToString(), person),
            (AuditActions.SigningSecretRotated, DemoSeed.SellerId.ToString(), person),
            (AuditActions.SigningSecretRotated, DemoSeed.SellerId.ToString(), apiKey),
            (AuditActions.WebhookEndpointAdded, endpointId.ToString(), person),
            (AuditActions.WebhookEndpointRemoved, endpointId.ToString(), person),
            (AuditActions.BuyerDataExported, null, person),
            (AuditActions.BuyerDataExported, null, apiKey),
            (AuditActions.BuyerDataErased, erased["pseudonym"]!.GetValue<string>(), apiKey),
        };
        Assert.Equal(expected.Select(e => $"{e.Action} {e.Subject} {e.Actor}"),
            entries.OrderBy(e => e.Id).Select(e => $"{e.Action} {e.SubjectId} {(e.Actor, e.ActorUserId, e.ActorApiKeyId)}"));
        Assert.All(entries.Where(e => e.ActorApiKeyId is not null), e => Assert.Equal("198.51.100.7", e.IpAddress));
        var refundDetails = JsonNode.Parse(entries.Single(e => e.SubjectId == byKeyId).Details)!;
        Assert.Equal((1700, "USD"), (refundDetails["amount"]!.GetValue<long>(), refundDetails["currency"]!.GetValue<string>()));
        Assert.Equal(1000, JsonNode.Parse(entries.Single(e => e.SubjectId == byPersonId.ToString()).Details)!["amount"]!.GetValue<long>());
        Assert.All(entries.Where(e => e.Action is AuditActions.BuyerDataExported or AuditActions.BuyerDataErased),
            e => Assert.Equal(addressHash, JsonNode.Parse(e.Details)!["addressSha256"]!.GetValue<string>()));
        Assert.DoesNotContain(entries, e => e.Details.Contains(buyerEmail, StringComparison.OrdinalIgnoreCase)); // the log keeps no buyer's address

        // The page, its downloads and the API show them.
        var page = await owner.GetStringAsync("/seller/audit?action=refund_issued");
        Assert.Contains(byKeyId, page);
        Assert.Contains(byPersonId.ToString(), page);
        Assert.DoesNotContain(endpointId.ToString(), page);
        var csv = await owner.GetAsync("/seller/audit?handler=export&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal("at,action,actor,actor_user_id,actor_api_key_id,subject_id,details,ip_address", lines[0]);
        Assert.Contains(lines, l => l.Contains(",refund_issued,") && l.Contains(byKeyId) && l.Contains(keyRow.Id.ToString()) && l.Contains("198.51.100.7"));
        var json = JsonNode.Parse(await owner.GetStringAsync("/seller/audit?handler=export&format=json&action=webhook_endpoint_removed"))!.AsArray();
        Assert.Contains(json, e => e!["subjectId"]!.GetValue<string>() == endpointId.ToString() && e["actor"]!["name"]!.GetValue<string>() == DemoSeed.DemoLoginEmail);
        Assert.All(json, e => Assert.Equal("webhook_endpoint_removed", e!["action"]!.GetValue<string>()));
        var fromApi = await Buyer.ReadAsync(await api.GetAsync("/api/v1/seller/audit-log?action=refund_issued&pageSize=200"), HttpStatusCode.OK);
        var viaKey = fromApi["items"]!.AsArray().Single(e => e!["subjectId"]!.GetValue<string>() == byKeyId)!;
        Assert.Equal(keyRow.Id.ToString(), viaKey["actor"]!["apiKeyId"]!.GetValue<string>());
        Assert.Equal(1700, viaKey["details"]!["amount"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/seller/audit-log?action=dropped_tables")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/seller/audit-log")).StatusCode);
    }

    [GeneratedRegex(@"https?://\S+/seller/invite/[A-Za-z0-9_\-]{43}")]
    private static partial Regex InviteLink();
}

public sealed class TeamTests_Sqlite(SqliteApp app) : TeamTests<SqliteApp>(app);

public sealed class TeamTests_Postgres(PostgresApp app) : TeamTests<PostgresApp>(app);
