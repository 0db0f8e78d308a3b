namespace EdgeGate.Vision.Tests.Gallery;

/// <summary>The obviously correct reference: a list of (template, person, unit vector) scanned in double precision.</summary>
internal sealed class BruteForceGallery
{
    private readonly Dictionary<long, (string Person, float[] Unit)> templates = [];
    private readonly HashSet<string> ineligible = [];

    public int Count => templates.Count;

    public IEnumerable<long> TemplateIds => templates.Keys;

    public IEnumerable<string> Persons => templates.Values.Select(value => value.Person).Distinct();

    public void Add(long templateId, string person, float[] embedding) => templates[templateId] = (person, Normalise(embedding));

    public float[] Vector(long templateId) => templates[templateId].Unit;

    public void Remove(long templateId) => templates.Remove(templateId);

    public void RemovePerson(string person)
    {
        foreach (var id in templates.Where(pair => pair.Value.Person == person).Select(pair => pair.Key).ToList())
        {
            templates.Remove(id);
        }

        ineligible.Remove(person);
    }

    public void SetEligibility(string person, bool eligible)
    {
        if (eligible)
        {
            ineligible.Remove(person);
        }
        else
        {
            ineligible.Add(person);
        }
    }

    /// <summary>Per-person maxima, best first.</summary>
    public List<(string Person, double Similarity)> Rank(float[] query)
    {
        var unit = Normalise(query);
        var maxima = new Dictionary<string, double>();
        foreach (var (person, vector) in templates.Values)
        {
            if (ineligible.Contains(person))
            {
                continue;
            }

            var similarity = Dot(vector, unit);
            if (!maxima.TryGetValue(person, out var current) || similarity > current)
            {
                maxima[person] = similarity;
            }
        }

        var ranking = maxima.Select(pair => (pair.Key, pair.Value)).ToList();
        ranking.Sort((a, b) => b.Value.CompareTo(a.Value));
        return ranking;
    }

    public static float[] Normalise(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(value => (double)value * value));
        return vector.Select(value => (float)(value / norm)).ToArray();
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
