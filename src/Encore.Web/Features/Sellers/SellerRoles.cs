using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.RateLimiting;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// What only a seller's owners may do on the pages, in one table: whole pages (GET and every POST handler) and single
/// handlers of pages staff use. The check is the <see cref="SellerAuth.OwnerPolicy"/> policy on the server; the pages
/// also hide the links and buttons, which is a courtesy, not the check. The seller API is used with API keys, which act
/// as an owner (only owners create them).
/// </summary>
public static class SellerRoles
{
    /// <summary>Pages and folders only owners open: keys and the signing secret, webhooks, the team, the audit log, buyers' data.</summary>
    public static readonly string[] OwnerFolders = ["/Sellers/Webhooks", "/Sellers/Team", "/Sellers/Audit", "/Sellers/Erasure"];

    public static readonly string[] OwnerPages = ["/Sellers/ApiKeys"];

    /// <summary>Handlers only owners run on pages staff open: whatever gives money back.</summary>
    public static readonly (string Page, string Handler)[] OwnerHandlers =
    [
        ("/Sellers/Orders/Order", "Refund"),
        ("/Sellers/Subscriptions/Subscription", "CancelNow"), // cancels and refunds the last payment
    ];

    public static PageConventionCollection AuthorizeSellerRoles(this PageConventionCollection conventions)
    {
        foreach (var folder in OwnerFolders) conventions.AuthorizeFolder(folder, SellerAuth.OwnerPolicy);
        foreach (var page in OwnerPages) conventions.AuthorizePage(page, SellerAuth.OwnerPolicy);
        foreach (var group in OwnerHandlers.GroupBy(h => h.Page))
        {
            var handlers = group.Select(h => h.Handler).ToHashSet(StringComparer.Ordinal);
            conventions.AddPageApplicationModelConvention(group.Key, page => page.Filters.Add(new OwnerOnlyHandlers(handlers)));
        }
        // The invitation's link: opened by someone without an account yet.
        conventions.AllowAnonymousToPage("/Sellers/Team/Accept");
        conventions.AddPageApplicationModelConvention("/Sellers/Team/Accept", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
        return conventions;
    }

    /// <summary>Runs the named handlers only for owners; anyone else gets 403 before the handler runs.</summary>
    private sealed class OwnerOnlyHandlers(IReadOnlySet<string> handlers) : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
        {
            if (context.HandlerMethod?.Name is { } name && handlers.Contains(name))
            {
                var authorization = context.HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
                if (!(await authorization.AuthorizeAsync(context.HttpContext.User, SellerAuth.OwnerPolicy)).Succeeded)
                {
                    context.Result = new ForbidResult(IdentityConstants.ApplicationScheme);
                    return;
                }
            }
            await next();
        }
    }
}
