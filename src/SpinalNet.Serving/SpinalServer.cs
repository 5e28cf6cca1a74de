// The web service of `spinalnet serve` (docs/serving.md §16.5): ASP.NET Core's Kestrel serving
//   GET  /          the page (Page.cs)
//   POST /predict   image bytes (image/png, image/jpeg, or a multipart form's file) -> the top classes (?top=K)
//   POST /explain   the same -> the explanation entry of explanations.json with the overlay and chart PNGs in base64
//   GET  /health    whether it runs and what it serves
//   GET  /metrics   request counts and latency percentiles (RequestMetrics.cs)
// A request that is not an image, declares too many pixels, is too large or has another content type gets 400, 400,
// 413 or 415 with a JSON error, and the server goes on. /predict and /explain pass through a concurrency limiter: Workers
// at once, QueueLimit waiting, 503 beyond. The host stops gracefully on SIGINT/SIGTERM (requests under way finish).
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpinalNet.Data;
using SpinalNet.Layers;
using SpinalNet.Runs;

namespace SpinalNet.Serving;

/// <summary>The server of `spinalnet serve`.</summary>
public static class SpinalServer
{
    const string Queue = "model";

    /// <summary>Serves <paramref name="source"/> until SIGINT or SIGTERM (`spinalnet serve`); says where it
    /// listens through <paramref name="say"/>.</summary>
    public static void Run(ModelSource source, ServerOptions options, Action<string> say)
    {
        Check(options);
        using var model = ServedModel.Open(source);
        using var app = Build(model, options);
        app.Start();
        say($"serving {model.Description} on {string.Join(", ", Addresses(app))}" + (options.LoopbackOnly
            ? " (this machine only; --host 0.0.0.0 to serve others)"
            : $" (reachable from other machines through {options.Host})") + "; Ctrl+C stops");
        app.WaitForShutdown();
        say("stopped");
    }

    /// <summary>The server, built but not started (tests start it on a free port with Port = 0).</summary>
    public static WebApplication Build(ServedModel model, ServerOptions options)
    {
        Check(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
            var address = options.Host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(options.Host.Trim('[', ']'), out var ip) ? ip
                : throw new SettingException("Host", options.Host, "is not an IP address (127.0.0.1, 0.0.0.0, ::1, ...)");
            k.Listen(address, options.Port);
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxBodyBytes);
        builder.Services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            r.OnRejected = (context, cancel) => new ValueTask(Error(context.HttpContext, 503,
                "the server is busy: its request queue is full; try again shortly").ExecuteAsync(context.HttpContext));
            r.AddConcurrencyLimiter(Queue, c =>
            {
                c.PermitLimit = options.Workers;
                c.QueueLimit = options.QueueLimit;
                c.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        var metrics = new RequestMetrics();
        builder.Services.AddSingleton(metrics);
        var app = builder.Build();

        app.Use(async (context, next) =>
        {
            var clock = Stopwatch.StartNew();
            metrics.Started();
            try
            {
                await next(context);
            }
            finally
            {
                metrics.Answered(EndpointName(context.Request.Path), context.Response.StatusCode,
                    clock.Elapsed.TotalSeconds);
            }
        });
        app.UseRateLimiter();

        app.MapGet("/", () => Results.Content(Page.Html(model.Description, model.CanExplain), "text/html; charset=utf-8"));
        app.MapGet("/health", () => Results.Json(new
            { status = "ok", model = model.Description, classes = model.ClassNames.Count, explain = model.CanExplain }));
        app.MapGet("/metrics", () => Results.Text(metrics.Prometheus(), "text/plain; version=0.0.4; charset=utf-8"));
        // Typed delegates: a lambda of HttpContext to a Task would bind as a RequestDelegate, its result ignored.
        app.MapPost("/predict", (Func<HttpContext, Task<IResult>>)(context => Answer(context, options, model, (image, top) =>
        {
            var prediction = model.Predict(image, top);
            return Results.Json(new JsonObject
            {
                ["predictions"] = Top(prediction),
                ["inverted"] = prediction.Inverted,
            });
        }))).RequireRateLimiting(Queue);
        app.MapPost("/explain", (Func<HttpContext, Task<IResult>>)(context => model.CanExplain
            ? Answer(context, options, model, (image, top) =>
            {
                var e = model.Explain(image, top);
                var entry = e.ToJson();
                entry["predictions"] = Top(e.Prediction);
                entry["overlay_png"] = e.OverlayPng() is { } overlay ? Convert.ToBase64String(overlay) : null;
                entry["shares_png"] = e.SharesPng() is { } chart ? Convert.ToBase64String(chart) : null;
                return Results.Json(entry);
            })
            : Task.FromResult(Error(context, 501, "explanations need the network's weights: serve --run, not --onnx"))))
            .RequireRateLimiting(Queue);
        return app;
    }

    /// <summary>The addresses a started server listens on (http://127.0.0.1:PORT).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();

    static void Check(ServerOptions options)
    {
        if (options.Port is < 0 or > 65535) throw new SettingException("Port", options.Port, "must be from 0 to 65535");
        if (options.Workers < 1) throw new SettingException("Workers", options.Workers, "must be at least 1");
        if (options.QueueLimit < 0) throw new SettingException("QueueLimit", options.QueueLimit, "must be at least 0");
    }

    /// <summary>Reads the image of a request, checks it and answers with <paramref name="answer"/>, or with the error
    /// the request earned.</summary>
    static async Task<IResult> Answer(HttpContext context, ServerOptions options, ServedModel model,
        Func<ImageSource, int, IResult> answer)
    {
        int top = options.DefaultTop;
        if (context.Request.Query.TryGetValue("top", out var given) &&
            (!int.TryParse(given, out top) || top < 1 || top > model.ClassNames.Count))
            return Error(context, 400, $"top={given} must be a whole number from 1 to {model.ClassNames.Count}");
        if (context.Request.ContentLength > options.MaxBodyBytes)
            return Error(context, 413, $"the body of {context.Request.ContentLength:N0} bytes is over the limit of " +
                                       $"{options.MaxBodyBytes:N0} bytes");
        byte[] bytes;
        try
        {
            var type = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
            if (type is "multipart/form-data")
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                if (form.Files.FirstOrDefault() is not { } file)
                    return Error(context, 400, "the multipart form has no file");
                using var memory = new MemoryStream();
                await file.CopyToAsync(memory, context.RequestAborted);
                bytes = memory.ToArray();
            }
            else if (type is "image/png" or "image/jpeg")
            {
                using var memory = new MemoryStream();
                await context.Request.Body.CopyToAsync(memory, context.RequestAborted);
                bytes = memory.ToArray();
            }
            else
                return Error(context, 415, $"content type {type ?? "(none)"} is not image/png, image/jpeg or " +
                                           "multipart/form-data");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Error(context, 413, $"the body is over the limit of {options.MaxBodyBytes:N0} bytes");
        }
        catch (InvalidDataException e)  // a multipart body over the form limits
        {
            return Error(context, 413, e.Message);
        }
        if (bytes.Length == 0) return Error(context, 400, "the body is empty; send the image's bytes");
        try
        {
            return answer(ImageSource.Bytes("request", bytes, options.MaxPixels), top);
        }
        catch (DataFormatException e)
        {
            return Error(context, 400, e.Message);
        }
    }

    static JsonArray Top(Prediction prediction) => new(prediction.Top.Select(c => (JsonNode)new JsonObject
        { ["class"] = c.Name, ["probability"] = c.Probability }).ToArray());

    static IResult Error(HttpContext context, int status, string message)
    {
        // A body over the limit is not read to its end, so the connection cannot carry another request: say so,
        // or a client would send its next request on a connection the server is closing.
        if (status == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
        return Results.Json(new { error = message, status }, statusCode: status);
    }

    /// <summary>The endpoint a path counts under in /metrics (unknown paths under one name).</summary>
    static string EndpointName(PathString path) => path.Value switch
    {
        "/" or "/predict" or "/explain" or "/health" or "/metrics" => path.Value,
        _ => "other",
    };
}
