// The ML.NET objects a Spinal trainer hands back that ML.NET builds only internally (docs/mlnet.md §15.4): its own
// prediction transformers (the columns Score, Probability and PredictedLabel exactly as its trainers make them, with
// the label's key values) over its own linear models, and the environment of a catalog. ML.NET 6 keeps those
// constructors internal, and keeps custom transformers out of model.zip unless the loading program registers their
// assembly; these objects, on the other hand, it saves and loads natively. They are reached here by reflection, in this
// one file, against the signatures of ML.NET 6.x (the package pins [6.0.0, 7.0.0)); a signature that is not there is
// an InvalidOperationException saying so, and the round-trip tests fail on it.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace SpinalNet.ML;

internal static class MlNetInternals
{
    const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The environment (MLContext's) a trainer catalog was made in: the catalog's explicit
    /// IInternalCatalog.Environment.</summary>
    public static IHostEnvironment Environment(object catalog)
    {
        for (var type = catalog.GetType(); type is not null; type = type.BaseType)
            foreach (var property in type.GetProperties(Instance | BindingFlags.DeclaredOnly))
                if (property.Name.EndsWith("Environment", StringComparison.Ordinal) &&
                    property.GetValue(catalog) is IHostEnvironment environment)
                    return environment;
        throw Missing($"the environment of {catalog.GetType().Name}");
    }

    /// <summary>ML.NET's multiclass scorer over <paramref name="scoreInput"/>: Score = softmax(logits) through a
    /// maximum-entropy model with identity weights, PredictedLabel its arg max in the label's key type.</summary>
    public static ITransformer Multiclass(IHostEnvironment env, int classes, DataViewSchema schema, string logits,
        string label)
    {
        var weights = Enumerable.Range(0, classes).Select(c => OneHot(classes, c)).ToArray();
        var model = New<MaximumEntropyModelParameters>(env, weights, new float[classes], classes, classes,
            null, null);
        return New<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>(env, model, schema, logits, label,
            "Score", "PredictedLabel");
    }

    /// <summary>ML.NET's binary scorer: Score = the logit, Probability = its sigmoid (Platt with slope −1, offset 0),
    /// PredictedLabel = Score &gt; 0.</summary>
    public static ITransformer Binary(IHostEnvironment env, DataViewSchema schema, string logit)
    {
        var linear = New<LinearBinaryModelParameters>(env, OneHot(1, 0), 0f, null);
        var platt = New<PlattCalibrator>(env, -1.0, 0.0);
        // ParameterMixingCalibratedModelParameters, what ML.NET's linear binary trainers return, is internal itself.
        var mixing = typeof(CalibratedModelParametersBase<,>).Assembly
            .GetType("Microsoft.ML.Calibrators.ParameterMixingCalibratedModelParameters`2")
            ?.MakeGenericType(typeof(LinearBinaryModelParameters), typeof(PlattCalibrator))
            ?? throw Missing("ParameterMixingCalibratedModelParameters");
        var calibrated = New(mixing, env, linear, platt);
        return (ITransformer)New(typeof(BinaryPredictionTransformer<>).MakeGenericType(mixing), env, calibrated, schema,
            logit, 0f, "Score");
    }

    /// <summary>ML.NET's regression scorer: Score = the network's output.</summary>
    public static ITransformer Regression(IHostEnvironment env, DataViewSchema schema, string output)
    {
        var linear = New<LinearRegressionModelParameters>(env, OneHot(1, 0), 0f);
        return New<RegressionPredictionTransformer<LinearRegressionModelParameters>>(env, linear, schema, output);
    }

    /// <summary>A column of a schema shape (for GetOutputSchema).</summary>
    public static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType item,
        bool isKey, SchemaShape? annotations = null) =>
        New<SchemaShape.Column>(name, kind, item, isKey, annotations ?? new SchemaShape([]));

    static VBuffer<float> OneHot(int length, int hot)
    {
        var values = new float[length];
        values[hot] = 1;
        return new VBuffer<float>(length, values);
    }

    /// <summary>The instance of <typeparamref name="T"/> its constructor with these arguments makes (a by-reference
    /// parameter takes the value).</summary>
    static T New<T>(params object?[] args) => (T)New(typeof(T), args);

    static object New(Type type, params object?[] args)
    {
        foreach (var ctor in type.GetConstructors(Instance))
        {
            var parameters = ctor.GetParameters();
            if (parameters.Length != args.Length) continue;
            bool fits = parameters.Zip(args).All(p =>
            {
                var type = p.First.ParameterType.IsByRef ? p.First.ParameterType.GetElementType()! : p.First.ParameterType;
                return p.Second is null ? !type.IsValueType || Nullable.GetUnderlyingType(type) is not null
                    : type.IsInstanceOfType(p.Second);
            });
            if (!fits) continue;
            try
            {
                return ctor.Invoke(args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
        throw Missing($"a constructor {type.Name}({string.Join(", ", args.Select(a => a?.GetType().Name ?? "null"))})");
    }

    static InvalidOperationException Missing(string what) => new(
        $"SpinalNet.ML found no {what} in Microsoft.ML {typeof(MLContext).Assembly.GetName().Version}: it is built " +
        "for ML.NET 6.x");
}
