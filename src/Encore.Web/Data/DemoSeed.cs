using Encore.Domain;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Data;

/// <summary>
/// The demo seller and the demo funnel <c>calm-your-anxiety</c>, from the seed text: a $47 mini-course, a $17
/// worksheet bump, a $97 four-week audio program as the one-time offer and a $37 seven-day starter as the
/// downsell. Stored data like any seller's; fixed ids make seeding safe to run on every start and instance.
/// </summary>
public static class DemoSeed
{
    public const string FunnelSlug = "calm-your-anxiety";
    public static readonly Guid SellerId = new("0b1e8a52-5d0c-4f0e-9a51-000000000001");
    public static readonly Guid FunnelId = new("0b1e8a52-5d0c-4f0e-9a51-000000000010");
    public static readonly Guid VersionId = new("0b1e8a52-5d0c-4f0e-9a51-000000000011");
    public static readonly Guid BumpId = new("0b1e8a52-5d0c-4f0e-9a51-000000000021");
    public static readonly Guid OfferStepId = new("0b1e8a52-5d0c-4f0e-9a51-000000000031");
    public static readonly Guid DownsellStepId = new("0b1e8a52-5d0c-4f0e-9a51-000000000032");
    private static readonly Guid CourseId = new("0b1e8a52-5d0c-4f0e-9a51-000000000101");
    private static readonly Guid WorksheetsId = new("0b1e8a52-5d0c-4f0e-9a51-000000000102");
    private static readonly Guid ProgramId = new("0b1e8a52-5d0c-4f0e-9a51-000000000103");
    private static readonly Guid StarterId = new("0b1e8a52-5d0c-4f0e-9a51-000000000104");
    private static readonly Guid CoursePriceId = new("0b1e8a52-5d0c-4f0e-9a51-000000000201");
    private static readonly Guid WorksheetsPriceId = new("0b1e8a52-5d0c-4f0e-9a51-000000000202");
    private static readonly Guid ProgramPriceId = new("0b1e8a52-5d0c-4f0e-9a51-000000000203");
    private static readonly Guid StarterPriceId = new("0b1e8a52-5d0c-4f0e-9a51-000000000204");

    public static async Task EnsureAsync(EncoreDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Funnels.AnyAsync(f => f.Id == FunnelId, cancellationToken)) return;
        var now = clock.GetUtcNow();
        const string sellerName = "Calm Mind Coaching";
        const string supportEmail = "support@calmmind.example";
        db.Sellers.Add(new Seller { Id = SellerId, Name = sellerName, SupportEmail = supportEmail, CreatedAt = now });
        db.Products.AddRange(
            Product(CourseId, "Calm Your Anxiety", "A short self-paced mini-course: five lessons to calm anxious moments.", ["anxiety", "calm", "course"], now),
            Product(WorksheetsId, "Printable calm-down worksheets", "Twelve printable worksheets to practise each lesson.", ["anxiety", "calm", "worksheets"], now),
            Product(ProgramId, "4-week guided audio program", "Four weeks of daily guided audio sessions that go deeper.", ["anxiety", "calm", "audio"], now),
            Product(StarterId, "7-day guided audio starter", "The first seven days of the guided audio program.", ["anxiety", "calm", "audio"], now));
        db.Prices.AddRange(
            Price(CoursePriceId, CourseId, 4700, now),
            Price(WorksheetsPriceId, WorksheetsId, 1700, now),
            Price(ProgramPriceId, ProgramId, 9700, now),
            Price(StarterPriceId, StarterId, 3700, now));

        db.Funnels.Add(new Funnel
        {
            Id = FunnelId,
            SellerId = SellerId,
            Slug = FunnelSlug,
            Name = "Calm Your Anxiety",
            Currency = "USD",
            PublishedVersionId = VersionId,
            CreatedAt = now,
        });
        db.FunnelVersions.Add(new FunnelVersion
        {
            Id = VersionId,
            FunnelId = FunnelId,
            SellerId = SellerId,
            SellerName = sellerName,
            SupportEmail = supportEmail,
            Number = 1,
            Status = FunnelVersionStatus.Published,
            PublishedAt = now,
            Currency = "USD",
            MainProductId = CourseId,
            MainPriceId = CoursePriceId,
            MainName = "Calm Your Anxiety",
            MainDescription = "A short self-paced mini-course with five lessons to calm anxious moments, yours to keep.",
            MainPrice = Usd(4700),
            WindowMinutes = 30,
            EntryStepId = OfferStepId,
            UpdatedAt = now,
            Bumps =
            [
                new OrderBump
                {
                    Id = BumpId, Position = 0, ProductId = WorksheetsId, PriceId = WorksheetsPriceId, Name = "Printable calm-down worksheets",
                    Description = "Add twelve printable worksheets to practise each lesson.", Price = Usd(1700),
                },
            ],
            Steps =
            [
                new OfferStep
                {
                    Id = OfferStepId, Position = 0, Key = "audio-program", Kind = OfferStepKind.Offer, ProductId = ProgramId, PriceId = ProgramPriceId,
                    ProductName = "4-week guided audio program",
                    Headline = "Add the 4-week guided audio program to your order",
                    Body = "Go deeper than the mini-course: four weeks of short daily guided audio sessions that build on each lesson. "
                         + "It is added to the order you just placed and charged to the same card; there is no second checkout.",
                    Price = Usd(9700), OnAcceptStepId = null, OnDeclineStepId = DownsellStepId,
                },
                new OfferStep
                {
                    Id = DownsellStepId, Position = 1, Key = "audio-starter", Kind = OfferStepKind.Downsell, ProductId = StarterId, PriceId = StarterPriceId,
                    ProductName = "7-day guided audio starter",
                    Headline = "Prefer a lighter start? Try the 7-day guided audio starter",
                    Body = "The first seven days of the guided audio program: one short session a day to make calm a habit.",
                    Price = Usd(3700), OnAcceptStepId = null, OnDeclineStepId = null,
                },
            ],
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded it at the same moment: its rows are the same rows.
            db.ChangeTracker.Clear();
        }
    }

    public const string DemoLoginEmail = "demo@encore.local";
    public const string DefaultDemoPassword = "calm-mind-coaching";

    /// <summary>
    /// The demo seller's login: <see cref="DemoLoginEmail"/> with <c>Encore:DemoPassword</c> (default
    /// <see cref="DefaultDemoPassword"/>, for local use). A production start refuses the default password.
    /// </summary>
    public static async Task EnsureDemoLoginAsync(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment)
    {
        var password = configuration["Encore:DemoPassword"] ?? DefaultDemoPassword;
        if (environment.IsProduction() && password == DefaultDemoPassword)
            throw new InvalidOperationException(
                "Refusing to start in Production with the demo seller's default password. Set Encore__DemoPassword to a password of your own, or Encore__SeedDemo=false.");
        var users = services.GetRequiredService<UserManager<SellerUser>>();
        if (await users.FindByEmailAsync(DemoLoginEmail) is not null) return;
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(new SellerUser { Id = Guid.CreateVersion7(), SellerId = SellerId, UserName = DemoLoginEmail, Email = DemoLoginEmail, EmailConfirmed = true }, password);
        }
        catch (DbUpdateException)
        {
            return; // another instance created it at the same moment
        }
        if (!created.Succeeded && !created.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail"))
            throw new InvalidOperationException("Could not create the demo login: " + string.Join(" ", created.Errors.Select(e => e.Description)));
    }

    private static Product Product(Guid id, string name, string description, List<string> topics, DateTimeOffset now) =>
        new() { Id = id, SellerId = SellerId, Name = name, Description = description, Topics = topics, CreatedAt = now };

    private static ProductPrice Price(Guid id, Guid productId, long cents, DateTimeOffset now) =>
        new() { Id = id, SellerId = SellerId, ProductId = productId, Terms = Usd(cents), CreatedAt = now };

    private static PriceTerms Usd(long cents, Recurrence? recurrence = null) => PriceTerms.From(new Price(new Money(cents, "USD"), recurrence));

    private static readonly Guid WorkbookFileId = new("0b1e8a52-5d0c-4f0e-9a51-000000000301");
    private static readonly Guid WorkbookId = new("0b1e8a52-5d0c-4f0e-9a51-000000000302");
    private static readonly Guid LessonsLinkId = new("0b1e8a52-5d0c-4f0e-9a51-000000000303");
    private static readonly Guid WorksheetsTextId = new("0b1e8a52-5d0c-4f0e-9a51-000000000304");

    /// <summary>
    /// What the demo products deliver: the course a small PDF workbook (in the file store) and a signed link to its
    /// lessons, the worksheets printing instructions. What a newcomer sees on the thank-you page after buying.
    /// </summary>
    public static async Task EnsureDeliveryAsync(EncoreDbContext db, Features.Delivery.IFileStore files, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Deliverables.AnyAsync(d => d.Id == WorkbookId, cancellationToken)) return;
        var now = clock.GetUtcNow();
        var key = $"sellers/{SellerId:N}/{WorkbookFileId:N}";
        await using var pdf = typeof(DemoSeed).Assembly.GetManifestResourceStream("Encore.Demo.Workbook.pdf")
                              ?? throw new InvalidOperationException("The demo workbook is not embedded.");
        // Whichever store is configured (a folder or a bucket): only the IFileStore contract is used here.
        var existing = await files.OpenReadAsync(key, cancellationToken);
        Features.Delivery.StoredObject stored;
        if (existing is null) stored = await files.PutAsync(key, pdf, long.MaxValue, cancellationToken);
        else
        {
            // Another instance (or an earlier start with a fresh database) stored it first: read what is there.
            await using (existing) stored = await Features.Delivery.FileContent.CopyCountingAsync(existing, Stream.Null, long.MaxValue, cancellationToken);
        }
        db.StoredFiles.Add(new StoredFile
        {
            Id = WorkbookFileId, SellerId = SellerId, FileName = "calm-your-anxiety-workbook.pdf", ContentType = "application/pdf",
            Size = stored.Size, Sha256 = stored.Sha256, StorageKey = key, CreatedAt = now,
        });
        db.Deliverables.AddRange(
            new Deliverable
            {
                Id = WorkbookId, SellerId = SellerId, ProductId = CourseId, Position = 0, Kind = DeliverableKind.File,
                Title = "Workbook (PDF)", FileId = WorkbookFileId, CreatedAt = now,
            },
            new Deliverable
            {
                Id = LessonsLinkId, SellerId = SellerId, ProductId = CourseId, Position = 1, Kind = DeliverableKind.Link,
                Title = "Open the five lessons", Url = "https://calmmind.example/lessons", SignLink = true, CreatedAt = now,
            },
            new Deliverable
            {
                Id = WorksheetsTextId, SellerId = SellerId, ProductId = WorksheetsId, Position = 0, Kind = DeliverableKind.Text,
                Title = "Printing your worksheets", CreatedAt = now,
                Text = "Print one worksheet per lesson on A4 or Letter paper, and keep them beside the audio sessions.",
            });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded it at the same moment; anything else is a real fault.
            db.ChangeTracker.Clear();
            if (!await db.Deliverables.AsNoTracking().AnyAsync(d => d.Id == WorkbookId, cancellationToken)) throw;
        }
    }

    /// <summary>The demo seller's brand colour: white text on it reads at 6.9:1.</summary>
    public const string BrandColor = "#2f5d8a";

    /// <summary>
    /// The demo seller's branding: a logo, a brand colour, a refund policy, support, terms and privacy links, and an image
    /// for each demo product (small PNGs embedded in the app). Added once; a seller who changes it later keeps the change.
    /// </summary>
    public static async Task EnsureBrandingAsync(EncoreDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.BrandImages.AnyAsync(i => i.SellerId == SellerId, cancellationToken)) return;
        var seller = await db.Sellers.SingleOrDefaultAsync(s => s.Id == SellerId, cancellationToken);
        if (seller is null) return;
        var now = clock.GetUtcNow();
        string Image(string resource)
        {
            using var stream = typeof(DemoSeed).Assembly.GetManifestResourceStream(resource)
                               ?? throw new InvalidOperationException($"The demo image {resource} is not embedded.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var facts = Features.Branding.ImageFormats.Read(bytes) ?? throw new InvalidOperationException($"{resource} is not an image.");
            return db.BrandImages.Add(Features.Branding.BrandImages.From(SellerId, bytes, facts, now)).Entity.Sha256;
        }
        seller.LogoSha256 = Image("Encore.Demo.Logo.png");
        seller.BrandColor = BrandColor;
        seller.RefundPolicy = "Not for you? Write to us within 30 days of buying for a full refund, no questions asked.";
        seller.SupportUrl = "https://calmmind.example/help";
        seller.TermsUrl = "https://calmmind.example/terms";
        seller.PrivacyUrl = "https://calmmind.example/privacy";
        foreach (var (productId, resource) in new[]
                 {
                     (CourseId, "Encore.Demo.Course.png"), (WorksheetsId, "Encore.Demo.Worksheets.png"),
                     (ProgramId, "Encore.Demo.Program.png"), (StarterId, "Encore.Demo.Starter.png"),
                 })
        {
            if (await db.Products.SingleOrDefaultAsync(p => p.Id == productId, cancellationToken) is { } product) product.ImageSha256 = Image(resource);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance added them at the same moment: its rows are the same rows.
            db.ChangeTracker.Clear();
        }
    }

    public const string MembershipFunnelSlug = "calm-circle";
    public static readonly Guid MembershipFunnelId = new("0b1e8a52-5d0c-4f0e-9a51-000000000040");
    public static readonly Guid MembershipVersionId = new("0b1e8a52-5d0c-4f0e-9a51-000000000041");
    public static readonly Guid MembershipStepId = new("0b1e8a52-5d0c-4f0e-9a51-000000000042");
    public static readonly Guid PlanStepId = new("0b1e8a52-5d0c-4f0e-9a51-000000000043");
    private static readonly Guid MembershipId = new("0b1e8a52-5d0c-4f0e-9a51-000000000105");
    private static readonly Guid MembershipPriceId = new("0b1e8a52-5d0c-4f0e-9a51-000000000205");
    private static readonly Guid ProgramPlanPriceId = new("0b1e8a52-5d0c-4f0e-9a51-000000000206");

    /// <summary>
    /// The second demo funnel, <c>calm-circle</c>: the same $47 mini-course, then a one-click offer of the Calm Circle
    /// membership at $29 a month after a 7-day free trial, and if declined the 4-week program as a payment plan of three
    /// monthly payments of $33. What a newcomer tries to see recurring billing work (with <c>bill --as-of</c>).
    /// </summary>
    public static async Task EnsureMembershipAsync(EncoreDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Funnels.AnyAsync(f => f.Id == MembershipFunnelId, cancellationToken)) return;
        var now = clock.GetUtcNow();
        var seller = await db.Sellers.AsNoTracking().SingleAsync(s => s.Id == SellerId, cancellationToken);
        var monthlyTrial = new Recurrence(BillingInterval.Month, 1, TrialDays: 7);
        var plan = new Recurrence(BillingInterval.Month, 1, Payments: 3);
        db.Products.Add(Product(MembershipId, "Calm Circle membership", "A new guided session every week and a monthly live Q&A.", ["anxiety", "calm", "membership"], now));
        db.Prices.AddRange(
            new ProductPrice { Id = MembershipPriceId, SellerId = SellerId, ProductId = MembershipId, Terms = Usd(2900, monthlyTrial), CreatedAt = now },
            new ProductPrice { Id = ProgramPlanPriceId, SellerId = SellerId, ProductId = ProgramId, Terms = Usd(3300, plan), CreatedAt = now });
        db.Funnels.Add(new Funnel
        {
            Id = MembershipFunnelId, SellerId = SellerId, Slug = MembershipFunnelSlug, Name = "Calm Circle", Currency = "USD",
            PublishedVersionId = MembershipVersionId, CreatedAt = now,
        });
        db.FunnelVersions.Add(new FunnelVersion
        {
            Id = MembershipVersionId, FunnelId = MembershipFunnelId, SellerId = SellerId, SellerName = seller.Name, SupportEmail = seller.SupportEmail,
            Number = 1, Status = FunnelVersionStatus.Published, PublishedAt = now, Currency = "USD",
            MainProductId = CourseId, MainPriceId = CoursePriceId, MainName = "Calm Your Anxiety",
            MainDescription = "A short self-paced mini-course with five lessons to calm anxious moments, yours to keep.",
            MainPrice = Usd(4700), WindowMinutes = 30, EntryStepId = MembershipStepId, UpdatedAt = now,
            Steps =
            [
                new OfferStep
                {
                    Id = MembershipStepId, Position = 0, Key = "calm-circle", Kind = OfferStepKind.Offer, ProductId = MembershipId, PriceId = MembershipPriceId,
                    ProductName = "Calm Circle membership",
                    Headline = "Keep the calm going: try the Calm Circle membership free for 7 days",
                    Body = "A new guided session every week, building on the mini-course, and a live Q&A each month. Nothing is charged during the trial.",
                    Terms = "$29.00 every month after a 7-day free trial. Cancel before the trial ends with the link in your e-mail and you pay nothing.",
                    Price = Usd(2900, monthlyTrial), OnAcceptStepId = null, OnDeclineStepId = PlanStepId,
                },
                new OfferStep
                {
                    Id = PlanStepId, Position = 1, Key = "program-plan", Kind = OfferStepKind.Downsell, ProductId = ProgramId, PriceId = ProgramPlanPriceId,
                    ProductName = "4-week guided audio program",
                    Headline = "Rather own it? The 4-week program in three payments",
                    Body = "Four weeks of short daily guided audio sessions, spread over three monthly payments.",
                    Terms = "3 monthly payments of $33.00 ($99.00 in all), the first today. Cancel future payments with the link in your e-mail.",
                    Price = Usd(3300, plan), OnAcceptStepId = null, OnDeclineStepId = null,
                },
            ],
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // another instance seeded it at the same moment
        }
    }
}
