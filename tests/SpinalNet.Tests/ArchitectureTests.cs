// The shape of the library (docs/architecture.md §14.8): one direction of dependencies between its namespaces (the
// core's folders and the other packages), read from the compiled assemblies of every package (every type, signature
// and instruction), the core package referencing none of the optional ones (docs/platform.md §7.6), the CLI above them
// all calling the use cases in Runs and using only values below them, every file in its package's namespace and every
// namespace in one package, the layout document listing the folders there are, and every § the code cites resolving to
// a heading of the repository's docs/.
using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace SpinalNet.Tests;

public class ArchitectureTests
{
    // The namespaces under SpinalNet by level: the core's folders each one (SpinalNet.Layers, ...), every other package
    // one, its own name (SpinalNet.Onnx, ...). A namespace may use those of lower levels only, and those of its own level
    // without circles. The optional packages stand on the core, and the use cases on them all.
    static readonly Dictionary<string, int> Level = new()
    {
        ["Layers"] = 0, ["Data"] = 0,
        ["Models"] = 1, ["Augmentation"] = 1, ["Cost"] = 1,
        ["Training"] = 2, ["Regression"] = 2, ["Interop"] = 2, ["Explanation"] = 2,
        ["Onnx"] = 3, ["Pretrained"] = 3, ["Distributed"] = 3, ["Charts"] = 3,
        ["Runs"] = 4,
    };

    /// <summary>The library's packages, core first (docs/platform.md §7.6); each but the core is one namespace, its own
    /// name.</summary>
    public static readonly string[] Packages =
        ["SpinalNet", "SpinalNet.Onnx", "SpinalNet.Pretrained", "SpinalNet.Distributed", "SpinalNet.Charts", "SpinalNet.Runs"];

    /// <summary>The packages each package may reference, and the third-party assemblies only optional packages may.</summary>
    static readonly Dictionary<string, string[]> MayReference = new()
    {
        ["SpinalNet"] = [], ["SpinalNet.Onnx"] = ["SpinalNet"], ["SpinalNet.Distributed"] = ["SpinalNet"],
        ["SpinalNet.Charts"] = ["SpinalNet"], ["SpinalNet.Pretrained"] = ["SpinalNet", "SpinalNet.Onnx"],
        ["SpinalNet.Runs"] = ["SpinalNet", "SpinalNet.Onnx", "SpinalNet.Pretrained", "SpinalNet.Distributed", "SpinalNet.Charts"],
    };

    /// <summary>The integrations beside the CLI (docs/architecture.md §14): what each may reference of the library. Their
    /// files keep their project's own namespace (SpinalNet.ML, SpinalNet.Serving), not a folder's.</summary>
    static readonly Dictionary<string, string[]> IntegrationMayReference = new()
    {
        ["SpinalNet.ML"] = ["SpinalNet", "SpinalNet.Onnx", "SpinalNet.Pretrained"],
        ["SpinalNet.Serving"] = ["SpinalNet", "SpinalNet.Onnx", "SpinalNet.Pretrained", "SpinalNet.Distributed", "SpinalNet.Charts", "SpinalNet.Runs"],
    };

    [Fact]
    public void Integrations_stand_on_the_library_and_nothing_references_them()
    {
        var libraries = Packages.Concat(IntegrationMayReference.Keys).Append("SpinalNet.Cli").ToArray();
        foreach (var (name, may) in IntegrationMayReference)
        {
            using var module = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
            var references = module.AssemblyReferences.Select(r => r.Name).Where(libraries.Contains).ToList();
            Assert.True(references.All(may.Contains), $"{name} references {string.Join(", ", references.Except(may))}");
            Assert.Contains("SpinalNet", references);  // really read
        }
        foreach (var package in ReadPackages())
            using (package)
                Assert.DoesNotContain(package.AssemblyReferences, r => IntegrationMayReference.ContainsKey(r.Name));
    }

    static readonly string[] OptionalThirdParty =
        ["OnnxSharp", "Google.Protobuf", "Microsoft.ML.OnnxRuntime", "ScottPlot", "SkiaSharp", "MPI", "Spectre.Console"];

    static List<ModuleDefinition> ReadPackages() =>
        Packages.Select(p => ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, p + ".dll"))).ToList();

    [Fact]
    public void Packages_reference_only_those_below_them_and_the_core_no_optional_dependency()
    {
        var modules = ReadPackages();
        try
        {
            foreach (var module in modules)
            {
                string name = module.Assembly.Name.Name;
                var references = module.AssemblyReferences.Select(r => r.Name).ToList();
                var packages = references.Where(r => Packages.Contains(r) || r == "SpinalNet.Cli").ToList();
                Assert.True(packages.All(MayReference[name].Contains),
                    $"{name} references {string.Join(", ", packages.Except(MayReference[name]))}");
                if (name == "SpinalNet")
                    Assert.True(!references.Any(r => OptionalThirdParty.Any(o => r == o || r.StartsWith(o + "."))),
                        "the core references an optional package's dependency: " + string.Join(", ", references));
            }
            Assert.Contains("SpinalNet.Charts", modules[^1].AssemblyReferences.Select(r => r.Name));  // really read
        }
        finally
        {
            foreach (var m in modules) m.Dispose();
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SpinalNet.slnx"))) folder = folder.Parent;
            return folder?.FullName ?? throw new DirectoryNotFoundException("no SpinalNet.slnx above the test binaries");
        }
    }

    /// <summary>The namespace of a type under SpinalNet ("Layers" for SpinalNet.Layers, "Onnx" for SpinalNet.Onnx), the
    /// unit that has a level.</summary>
    static string? UnitOf(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        var parts = type.Namespace.Split('.');
        return parts.Length >= 2 && parts[0] == "SpinalNet" ? parts[1] : null;
    }

    static IEnumerable<TypeReference> Mentioned(TypeReference? type)
    {
        if (type is null) yield break;
        yield return type.GetElementType();
        if (type is GenericInstanceType generic)
            foreach (var argument in generic.GenericArguments.SelectMany(Mentioned)) yield return argument;
    }

    /// <summary>Every type a type definition mentions: its base, interfaces, fields, signatures, attributes, locals
    /// and the operands of its instructions.</summary>
    static IEnumerable<TypeReference> UsedBy(TypeDefinition type)
    {
        var used = new List<TypeReference?> { type.BaseType };
        used.AddRange(type.Interfaces.Select(i => i.InterfaceType));
        used.AddRange(type.CustomAttributes.Select(a => a.AttributeType));
        used.AddRange(type.Fields.Select(f => f.FieldType));
        used.AddRange(type.Properties.Select(p => p.PropertyType));
        foreach (var method in type.Methods)
        {
            used.Add(method.ReturnType);
            used.AddRange(method.Parameters.Select(p => p.ParameterType));
            if (!method.HasBody) continue;
            used.AddRange(method.Body.Variables.Select(v => v.VariableType));
            foreach (var instruction in method.Body.Instructions)
                used.AddRange(instruction.Operand switch
                {
                    TypeReference t => [t],
                    MethodReference m => [m.DeclaringType, m.ReturnType, .. m.Parameters.Select(p => p.ParameterType)],
                    FieldReference f => [f.DeclaringType, f.FieldType],
                    _ => [],
                });
        }
        return used.SelectMany(Mentioned);
    }

    static Dictionary<string, HashSet<string>> FolderDependencies()
    {
        var modules = ReadPackages();
        var edges = new Dictionary<string, HashSet<string>>();
        static string ScopeName(TypeReference t) => t.Scope is ModuleDefinition m ? m.Assembly.Name.Name
            : t.Scope is AssemblyNameReference a ? a.Name : t.Scope.Name;
        foreach (var module in modules)
        foreach (var type in module.GetTypes())
        {
            if (UnitOf(type) is not { } from) continue;
            foreach (var used in UsedBy(type).Where(t => Packages.Contains(ScopeName(t))))
                if (UnitOf(used) is { } to && to != from)
                    (edges.TryGetValue(from, out var set) ? set : edges[from] = []).Add(to);
        }
        foreach (var m in modules) m.Dispose();
        return edges;
    }

    [Fact]
    public void No_folder_uses_a_folder_above_it()
    {
        var upward = FolderDependencies()
            .SelectMany(e => e.Value.Select(to => (From: e.Key, To: to)))
            .Where(e => !Level.ContainsKey(e.From) || !Level.ContainsKey(e.To) || Level[e.To] > Level[e.From])
            .Select(e => $"{e.From} -> {e.To}").ToList();
        Assert.True(upward.Count == 0, "upward or unknown dependencies: " + string.Join(", ", upward));
    }

    [Fact]
    public void Folders_depend_on_each_other_without_circles()
    {
        var edges = FolderDependencies();
        var done = new HashSet<string>();
        void Visit(string folder, List<string> path)
        {
            if (path.Contains(folder)) Assert.Fail("circle: " + string.Join(" -> ", path.Append(folder)));
            if (!done.Add(folder)) return;
            foreach (var next in edges.GetValueOrDefault(folder) ?? []) Visit(next, [.. path, folder]);
        }
        foreach (var folder in edges.Keys) Visit(folder, []);
        Assert.Contains("Runs", edges.Keys);  // the graph was really read
        Assert.Contains("Training", edges["Runs"]);
        Assert.Contains("Onnx", edges["Pretrained"]);
    }

    // The CLI (src/SpinalNet.Cli) parses options, makes one call into Runs, the use cases, and prints. Below Runs it may
    // use values only: what the options parse into and what the use cases hand back to print or to report progress
    // through (enums, structs, records, interfaces such as ITrainingObserver, and exceptions it prints as one line).
    // A static class, a service such as a downloader, or a network used by the CLI is a command doing a use case's work
    // itself, and so is TorchSharp. Static members below Runs are off limits too, but for these name tables, which turn
    // an option's text into such a value or a value into the text printed.
    static readonly Dictionary<string, string[]> CliNameTables = new()
    {
        ["SpinalNet.Models.HeadKinds"] = ["Parse", "Id"],
        ["SpinalNet.Training.Optimizers"] = ["Parse", "Names"],
        ["SpinalNet.Training.Devices"] = ["Parse", "Names"],
        ["SpinalNet.Training.Schedule"] = ["Default", "Names"],
        ["SpinalNet.Data.DownloadProgress"] = ["EveryTenth"],  // a download's progress as a line per tenth
        ["SpinalNet.Data.NearestName"] = ["Suggestion"],  // the nearest command or option to a mistyped one
    };

    /// <summary>What the CLI uses of the library's folders below Runs and of TorchSharp beyond the values and the name
    /// tables ("Type in CliType", "Type.Member in CliType"), and how many of its references go to Runs.</summary>
    static (SortedSet<string> Around, int RunsUses) CliUses()
    {
        var libraries = ReadPackages();
        using var cli = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, "SpinalNet.Cli.dll"));
        var around = new SortedSet<string>();
        int runs = 0;
        TypeDefinition? Below(TypeReference type)
        {
            if (UnitOf(type) is not { } folder || folder == "Cli") return null;
            if (folder == "Runs") runs++;
            return folder == "Runs" ? null
                : libraries.Select(l => l.GetType(type.GetElementType().FullName)).FirstOrDefault(t => t is not null);
        }
        static bool IsValue(TypeDefinition t) => t.IsEnum || t.IsValueType || t.IsInterface ||
            t.Methods.Any(m => m.Name == "<Clone>$") || t.BaseType?.Name.EndsWith("Exception") == true;
        foreach (var type in cli.GetTypes())
        {
            string user = (type.DeclaringType ?? type).Name;
            foreach (var used in UsedBy(type))
            {
                if (used.Scope.Name.StartsWith("TorchSharp")) around.Add($"{used.FullName} in {user}");
                else if (Below(used) is { } t && !IsValue(t) && !CliNameTables.ContainsKey(t.FullName))
                    around.Add($"{t.FullName} in {user}");
            }
            foreach (var instruction in type.Methods.Where(m => m.HasBody).SelectMany(m => m.Body.Instructions))
            {
                var (declaring, name) = instruction.Operand switch
                {
                    MethodReference m => (m.DeclaringType, m.Name),
                    FieldReference f => (f.DeclaringType, f.Name),
                    _ => (null, ""),
                };
                if (declaring is null || Below(declaring) is not { } t) continue;
                bool isStatic = t.Methods.Any(m => m.Name == name && m.IsStatic) ||
                                t.Fields.Any(f => f.Name == name && f.IsStatic);
                string member = name.StartsWith("get_") ? name[4..] : name;
                if (isStatic && !(CliNameTables.TryGetValue(t.FullName, out var allowed) && allowed.Contains(member)))
                    around.Add($"{t.FullName}.{member} in {user}");
            }
        }
        foreach (var l in libraries) l.Dispose();
        return (around, runs);
    }

    [Fact]
    public void The_cli_calls_the_use_cases_and_uses_only_values_below_them()
    {
        var (around, runs) = CliUses();
        Assert.True(runs > 0, "the CLI assembly was read, yet it calls nothing in Runs");
        Assert.True(around.Count == 0, "the CLI goes around the use cases in Runs (call one there, or, for a name " +
                                       "table, list it in CliNameTables): " + string.Join(", ", around));
    }

    static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") ||
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}");

    static IEnumerable<string> CodeFiles(string folder) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f));

    /// <summary>The projects beside the library: the integrations and the tool.</summary>
    static IEnumerable<string> Applications => IntegrationMayReference.Keys.Append("SpinalNet.Cli");

    // The core's files are in their folder's namespace (src/SpinalNet/Data/X.cs in SpinalNet.Data), and no file is at
    // its root; every other project's files are in the project's namespace, whatever folder inside it holds them
    // (src/SpinalNet.Runs/Sweep/HeadSweep.cs in SpinalNet.Runs). The tool's Program.cs, top-level statements, has none.
    [Fact]
    public void Every_file_is_in_its_packages_namespace()
    {
        int files = 0;
        foreach (var package in Packages.Concat(Applications))
        {
            var project = Path.Combine(RepositoryRoot, "src", package);
            foreach (var file in CodeFiles(project).Where(f => !(package == "SpinalNet.Cli" && Path.GetFileName(f) == "Program.cs")))
            {
                string folder = Path.GetRelativePath(project, Path.GetDirectoryName(file)!).Split(Path.DirectorySeparatorChar)[0];
                string expected = package == "SpinalNet" ? $"SpinalNet.{folder}" : package;
                if (Packages.Contains(package))
                    Assert.True(Level.ContainsKey(expected["SpinalNet.".Length..]),
                        $"{file}: namespace {expected} has no place in the layering");
                Assert.True(File.ReadAllText(file).Contains($"namespace {expected};"), $"{file} is not in namespace {expected}");
                files++;
            }
        }
        Assert.True(files > 150, $"only {files} files read");
    }

    [Fact]
    public void Every_namespace_is_in_one_package()
    {
        var modules = Packages.Concat(Applications)
            .Select(p => ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, p + ".dll"))).ToList();
        try
        {
            var packagesOf = modules
                .SelectMany(m => m.GetTypes().Select(t => (Namespace: (t.DeclaringType ?? t).Namespace, Package: m.Assembly.Name.Name)))
                .Where(t => t.Namespace == "SpinalNet" || t.Namespace.StartsWith("SpinalNet."))
                .GroupBy(t => t.Namespace, t => t.Package)
                .ToDictionary(g => g.Key, g => g.Distinct().ToList());
            var spread = packagesOf.Where(p => p.Value.Count > 1).Select(p => $"{p.Key} in {string.Join(", ", p.Value)}");
            Assert.True(!spread.Any(), "namespaces spread over packages: " + string.Join("; ", spread));
            Assert.Equal("SpinalNet.Charts", Assert.Single(packagesOf["SpinalNet.Charts"]));   // really read
        }
        finally
        {
            foreach (var m in modules) m.Dispose();
        }
    }

    // The code-layout table of docs/architecture.md §14.8 lists, in its first column, every folder of src/ that holds
    // code: the projects and the folders in them.
    [Fact]
    public void The_layout_document_lists_every_folder_of_src_and_no_other()
    {
        string src = Path.Combine(RepositoryRoot, "src");
        var folders = Directory.GetDirectories(src, "*", SearchOption.AllDirectories)
            .Where(d => !IsBuildOutput(d + Path.DirectorySeparatorChar) && CodeFiles(d).Any())
            .Select(d => "src/" + Path.GetRelativePath(src, d).Replace(Path.DirectorySeparatorChar, '/') + "/")
            .ToHashSet();
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, "docs", "architecture.md"));
        var section = lines.SkipWhile(l => !l.StartsWith("## 14.8 ")).Skip(1).TakeWhile(l => !l.StartsWith("## "));
        var listed = section.Select(l => Regex.Match(l, @"^\| `(src/[^`]+/)`")).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("src/SpinalNet.Runs/Sweep/", folders);   // really read
        Assert.True(folders.IsSubsetOf(listed),
            "docs/architecture.md §14.8 does not list " + string.Join(", ", folders.Except(listed).Order()));
        Assert.True(listed.IsSubsetOf(folders),
            "docs/architecture.md §14.8 lists folders src/ does not have: " + string.Join(", ", listed.Except(folders).Order()));
    }

    static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tests", "bench", "build", "examples" }.Select(d => Path.Combine(RepositoryRoot, d))
            .SelectMany(d => Directory.GetFiles(d, "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs") || f.EndsWith(".py") || f.EndsWith(".csproj"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    // Documents a reader of the repository does not have (written in pieces, so that this line is no such citation).
    static readonly string Uncited = @"\bref" + @"erence §|\biss" + @"ue \d|shared/ref" + "erence";

    [Fact]
    public void Every_section_the_code_cites_is_a_heading_under_docs()
    {
        var citation = new Regex(@"(docs/[\w-]+\.md)|§(\d+(?:\.\d+)*)");
        var headings = new Dictionary<string, string[]>();
        string[] HeadingsOf(string doc) => headings.TryGetValue(doc, out var h) ? h : headings[doc] =
            File.Exists(Path.Combine(RepositoryRoot, doc))
                ? File.ReadAllLines(Path.Combine(RepositoryRoot, doc)).Where(l => l.StartsWith('#')).ToArray()
                : throw new Xunit.Sdk.XunitException($"{doc} does not exist");
        int cited = 0;
        foreach (var file in SourceFiles())
        {
            string? doc = null;
            foreach (var (line, number) in File.ReadLines(file).Select((l, i) => (l, i + 1)))
            {
                Assert.False(Regex.IsMatch(line, Uncited),
                    $"{file}:{number} cites a document the repository does not have: {line.Trim()}");
                foreach (Match m in citation.Matches(line))
                {
                    if (m.Groups[1].Success)
                    {
                        doc = m.Groups[1].Value;
                        continue;
                    }
                    Assert.True(doc is not null, $"{file}:{number}: §{m.Groups[2].Value} names no docs/ file before it");
                    var section = m.Groups[2].Value;
                    Assert.True(HeadingsOf(doc!).Any(h => Regex.IsMatch(h, $@"^#+ {Regex.Escape(section)}( |$)")),
                        $"{file}:{number}: {doc} has no heading § {section}");
                    cited++;
                }
            }
        }
        Assert.True(cited > 50, $"only {cited} citations found");
    }
}
