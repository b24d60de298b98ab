using Encore.Domain.PostPurchase;

namespace Encore.Domain.Tests;

public sealed class StepStateTests
{
    [Theory]
    [InlineData(StepState.Offered, StepState.Processing)]
    [InlineData(StepState.Offered, StepState.Declined)]
    [InlineData(StepState.Offered, StepState.Expired)]
    [InlineData(StepState.Processing, StepState.Accepted)]
    [InlineData(StepState.Processing, StepState.Failed)]
    [InlineData(StepState.Processing, StepState.AwaitingAuthentication)]
    [InlineData(StepState.AwaitingAuthentication, StepState.Accepted)]
    [InlineData(StepState.AwaitingAuthentication, StepState.Failed)]
    public void Allowed_moves(StepState from, StepState to) => Assert.True(StepStates.CanMove(from, to));

    [Fact]
    public void A_decided_step_never_moves_again()
    {
        foreach (var decided in Enum.GetValues<StepState>().Where(s => s.IsDecided()))
            foreach (var to in Enum.GetValues<StepState>())
                Assert.False(StepStates.CanMove(decided, to), $"{decided} → {to}");
    }

    [Fact]
    public void An_offered_step_cannot_be_accepted_without_a_charge() =>
        Assert.False(StepStates.CanMove(StepState.Offered, StepState.Accepted));

    [Fact]
    public void A_charge_in_flight_cannot_expire_or_be_declined()
    {
        Assert.False(StepStates.CanMove(StepState.Processing, StepState.Expired));
        Assert.False(StepStates.CanMove(StepState.AwaitingAuthentication, StepState.Declined));
    }
}

public sealed class StepStateSourcesTests
{
    [Fact]
    public void Only_an_offered_step_can_be_claimed_declined_or_expired()
    {
        Assert.Equal([StepState.Offered], StepStates.From(StepState.Processing));
        Assert.Equal([StepState.Offered], StepStates.From(StepState.Declined));
        Assert.Equal([StepState.Offered], StepStates.From(StepState.Expired));
    }

    [Fact]
    public void Only_a_charge_in_flight_can_be_accepted() =>
        Assert.Equal([StepState.Processing, StepState.AwaitingAuthentication], StepStates.From(StepState.Accepted));
}
