using System.CommandLine;
using Aggregator.Evaluation;

namespace Aggregator.Cli;

/// <summary>`eval tagging FILE.jsonl` scores the topic rules against labelled documents;
/// `eval dedup PAIRS.jsonl` scores story clustering against labelled pairs.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE.jsonl") { Description = "Labelled documents: {id, lang, title, body, labels}" };
        var topic = new Option<string>("--topic") { Description = "The topic to score", DefaultValueFactory = _ => "korea-china" };
        var tagging = new Command("tagging", "Precision, recall and F1 of the tagger, overall, per sub-tag and per language, and the documents it got wrong.") { file, topic };
        tagging.SetAction(result =>
        {
            var (topics, exit) = CommandServices.Topics(result);
            if (topics is null) return exit;
            try
            {
                var documents = LabelledDocument.ReadAll(result.GetValue(file)!);
                Console.Write(TaggingEvaluation.Format(TaggingEvaluation.Evaluate(topics.Topics, result.GetValue(topic)!, documents)));
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        var pairs = new Argument<string>("PAIRS.jsonl") { Description = "Labelled pairs: {id, a: {title, body}, b: {title, body}, same_story, kind}" };
        var verbose = new Option<bool>("--verbose") { Description = "Also print the decision and reason for every pair" };
        var dedup = new Command("dedup", "Precision and recall of story clustering over labelled pairs, per kind of difference, and the pairs it got wrong.") { pairs, verbose };
        dedup.SetAction(result =>
        {
            try
            {
                Console.Write(DedupEvaluation.Format(DedupEvaluation.Evaluate(LabelledPair.ReadAll(result.GetValue(pairs)!)), result.GetValue(verbose)));
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return new Command("eval", "Measure the monitor against labelled data.") { tagging, dedup };
    }
}
