// TensorBoard event files beside a run's metrics.csv (opt-in, RunConfig.Tensorboard): after every epoch the losses,
// accuracies and learning rate as scalars, written with TorchSharp's SummaryWriter into RUN/tensorboard, so
// `tensorboard --logdir runs` shows every run and both heads of a comparison side by side.
using SpinalNet.Training;
using TorchSharp;

namespace SpinalNet.Runs;

/// <summary>Writes each epoch's metrics as TensorBoard scalars and passes every event on to <paramref name="inner"/>.</summary>
public sealed class TensorboardLog(string folder, ITrainingObserver? inner) : ITrainingObserver
{
    public const string Folder = "tensorboard";

    // Each scalar is appended to the event file as it is added.
    readonly TorchSharp.Modules.SummaryWriter writer = torch.utils.tensorboard.SummaryWriter(Path.Combine(folder, Folder));

    /// <summary>The observer a run reports to: this log around <paramref name="inner"/> when the configuration asks for
    /// TensorBoard, else <paramref name="inner"/> itself.</summary>
    public static ITrainingObserver? Around(RunConfig config, string folder, ITrainingObserver? inner) =>
        config.Tensorboard ? new TensorboardLog(folder, inner) : inner;

    public void OnStep(StepProgress progress) => inner?.OnStep(progress);

    public void OnEpoch(EpochMetrics m)
    {
        writer.add_scalar("loss/train", (float)m.TrainLoss, m.Epoch);
        writer.add_scalar("loss/test", (float)m.TestLoss!.Value, m.Epoch);
        writer.add_scalar("accuracy/test", (float)m.TestAccuracy!.Value, m.Epoch);
        if (m.ValidationLoss is double loss) writer.add_scalar("loss/validation", (float)loss, m.Epoch);
        if (m.ValidationAccuracy is double accuracy) writer.add_scalar("accuracy/validation", (float)accuracy, m.Epoch);
        writer.add_scalar("learning_rate", (float)m.LearningRate, m.Epoch);
        inner?.OnEpoch(m);
    }

}
