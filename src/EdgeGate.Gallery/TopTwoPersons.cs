namespace EdgeGate.Gallery;

/// <summary>
/// Running best and second-best distinct persons of a scan. Offering every (similarity, person)
/// pair yields the exact top two of the per-person maxima; a scan only needs to offer rows whose
/// similarity beats <see cref="SecondSimilarity"/>, because no other row can change the result.
/// Two partial results merge exactly by offering one's best and second into the other.
/// </summary>
internal struct TopTwoPersons
{
    public float BestSimilarity;
    public int BestPerson;
    public long BestTemplateId;
    public float SecondSimilarity;
    public int SecondPerson;

    public static TopTwoPersons Empty => new()
    {
        BestSimilarity = float.NegativeInfinity,
        BestPerson = -1,
        SecondSimilarity = float.NegativeInfinity,
        SecondPerson = -1,
    };

    public void Offer(float similarity, int person, long templateId)
    {
        if (person == BestPerson)
        {
            if (similarity > BestSimilarity)
            {
                BestSimilarity = similarity;
                BestTemplateId = templateId;
            }

            return;
        }

        if (similarity > BestSimilarity)
        {
            SecondSimilarity = BestSimilarity;
            SecondPerson = BestPerson;
            BestSimilarity = similarity;
            BestPerson = person;
            BestTemplateId = templateId;
            return;
        }

        if (similarity > SecondSimilarity)
        {
            SecondSimilarity = similarity;
            SecondPerson = person;
        }
    }

    public void Merge(in TopTwoPersons other)
    {
        if (other.BestPerson >= 0)
        {
            Offer(other.BestSimilarity, other.BestPerson, other.BestTemplateId);
        }

        if (other.SecondPerson >= 0)
        {
            Offer(other.SecondSimilarity, other.SecondPerson, templateId: 0);
        }
    }
}
