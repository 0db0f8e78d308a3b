using EdgeGate.Core.Persons;
using EdgeGate.Storage.Persons;

namespace EdgeGate.Storage.Tests;

public sealed class CardStoreTests
{
    [Fact]
    public async Task A_card_expires_and_renewal_makes_it_valid_again()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        var until = test.Time.GetUtcNow().AddDays(30);
        var issued = await test.Db.Cards.IssueAsync(" 00a1b2c3 ", "p-1", until);
        Assert.Equal(CardWriteStatus.Applied, issued.Status);
        Assert.Equal("00A1B2C3", issued.Card!.Uid);

        var card = await test.Db.Cards.GetByUidAsync("00A1B2C3");
        Assert.NotNull(card);
        Assert.Equal(until, card.ValidUntil);
        Assert.Equal(test.Time.GetUtcNow(), card.IssuedAt);
        Assert.False(card.IsExpired(test.Time.GetUtcNow()));

        test.Time.Advance(TimeSpan.FromDays(31));
        card = await test.Db.Cards.GetByUidAsync("00a1b2c3");
        Assert.True(card!.IsExpired(test.Time.GetUtcNow()));
        Assert.Equal(["00A1B2C3"], (await test.Db.Cards.ListExpiringAsync(test.Time.GetUtcNow())).Select(expiring => expiring.Uid));

        var renewed = await test.Db.Cards.RenewAsync("00a1b2c3", test.Time.GetUtcNow().AddYears(1));
        Assert.Equal(CardWriteStatus.Applied, renewed.Status);
        card = await test.Db.Cards.GetByUidAsync("00A1B2C3");
        Assert.False(card!.IsExpired(test.Time.GetUtcNow()));
        Assert.Equal(test.Time.GetUtcNow().AddYears(1), card.ValidUntil);
        Assert.Empty(await test.Db.Cards.ListExpiringAsync(test.Time.GetUtcNow()));
        Assert.Equal(CardWriteStatus.CardNotFound, (await test.Db.Cards.RenewAsync("FFFF", until)).Status);
    }

    [Fact]
    public async Task Revoked_cards_cannot_be_renewed_but_their_uid_can_be_issued_again()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        await test.Db.Persons.AddAsync(Samples.Person("p-2", "Omar Saleh"));
        var until = test.Time.GetUtcNow().AddYears(1);
        await test.Db.Cards.IssueAsync("C1", "p-1", until);

        var taken = await test.Db.Cards.IssueAsync("c1", "p-2", until);
        Assert.Equal(CardWriteStatus.UidInUse, taken.Status);
        Assert.Equal("p-1", taken.Card!.PersonId);

        Assert.Equal(CardStatus.Revoked, (await test.Db.Cards.RevokeAsync("C1")).Card!.Status);
        Assert.Equal(CardStatus.Revoked, (await test.Db.Cards.GetByUidAsync("C1"))!.Status);
        Assert.Equal(CardWriteStatus.CardRevoked, (await test.Db.Cards.RenewAsync("C1", until)).Status);
        Assert.Equal(CardWriteStatus.CardNotFound, (await test.Db.Cards.RevokeAsync("nope")).Status);

        var reissued = await test.Db.Cards.IssueAsync("C1", "p-2", until);
        Assert.Equal(CardWriteStatus.Applied, reissued.Status);
        Assert.Equal("p-2", (await test.Db.Cards.GetByUidAsync("C1"))!.PersonId);
        Assert.Empty(await test.Db.Cards.ListAsync("p-1"));
        Assert.Single(await test.Db.Cards.ListAsync(status: CardStatus.Active));
    }

    [Fact]
    public async Task Cards_are_issued_only_to_active_persons()
    {
        await using var test = await TestDatabase.OpenNewAsync();
        await test.Db.Persons.AddAsync(Samples.Person("p-1"));
        await test.Db.Persons.SuspendAsync("p-1");
        var until = test.Time.GetUtcNow().AddYears(1);
        Assert.Equal(CardWriteStatus.PersonNotActive, (await test.Db.Cards.IssueAsync("C1", "p-1", until)).Status);
        Assert.Equal(CardWriteStatus.PersonNotFound, (await test.Db.Cards.IssueAsync("C1", "ghost", until)).Status);
        Assert.Null(await test.Db.Cards.GetByUidAsync("C1"));
    }
}
