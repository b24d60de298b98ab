using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Encore.Web.Data;

/// <summary>Stores a moment as UTC ticks: ordered and comparable in SQLite, read back in UTC.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
