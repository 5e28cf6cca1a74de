// MSBuild inline task (build/SpinalNet.targets, shipped as the package's buildTransitive targets): makes TorchSharp's
// libLibTorchSharp.so load on Debian 12 (docs/platform.md §7.1). ELF64 little-endian only; anything else is left
// alone. Compiled against netstandard2.0 by RoslynCodeTaskFactory.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenAnchorOnlySymbolVersions : Task
{
    [Required]
    public string[] Folders { get; set; } = Array.Empty<string>();

    // Symbols that GCC 13+ emits only to anchor iostream initialisation: no code calls them, so a missing version
    // for them is harmless. A version needed by any other symbol stays strict and fails loudly at load time.
    static readonly HashSet<string> AnchorSymbols = new HashSet<string> { "_ZSt21ios_base_library_initv" };

    const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        foreach (var folder in Folders)
        {
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) continue;
            foreach (var path in Directory.EnumerateFiles(folder, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    var weakened = Patch(path);
                    if (weakened.Count > 0)
                        Log.LogMessage(MessageImportance.Normal, "Weakened {0} in {1}", string.Join(", ", weakened), path);
                }
                catch (Exception e)
                {
                    Log.LogWarning("Could not patch {0}: {1}", path, e.Message);
                }
            }
        }
        return !Log.HasLoggedErrors;
    }

    static List<string> Patch(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var weakened = new List<string>();
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F'
            || bytes[4] != 2 || bytes[5] != 1)
            return weakened;

        long shoff = (long)BitConverter.ToUInt64(bytes, 0x28);
        int shentsize = BitConverter.ToUInt16(bytes, 0x3A);
        int shnum = BitConverter.ToUInt16(bytes, 0x3C);

        long verneedOff = -1, versymOff = -1, dynsymOff = -1;
        int verneedCount = 0, verneedLink = 0, dynsymLink = 0;
        long dynsymSize = 0, dynsymEntSize = 24;
        var sectionOffsets = new long[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            uint type = BitConverter.ToUInt32(bytes, (int)sh + 4);
            long offset = (long)BitConverter.ToUInt64(bytes, (int)sh + 0x18);
            long size = (long)BitConverter.ToUInt64(bytes, (int)sh + 0x20);
            int link = (int)BitConverter.ToUInt32(bytes, (int)sh + 0x28);
            int info = (int)BitConverter.ToUInt32(bytes, (int)sh + 0x2C);
            long entsize = (long)BitConverter.ToUInt64(bytes, (int)sh + 0x38);
            sectionOffsets[i] = offset;
            if (type == ShtGnuVerneed) { verneedOff = offset; verneedCount = info; verneedLink = link; }
            else if (type == ShtGnuVersym) versymOff = offset;
            else if (type == ShtDynsym) { dynsymOff = offset; dynsymSize = size; dynsymLink = link; if (entsize > 0) dynsymEntSize = entsize; }
        }
        if (verneedOff < 0 || versymOff < 0 || dynsymOff < 0) return weakened;

        long verStrtab = sectionOffsets[verneedLink];
        long symStrtab = sectionOffsets[dynsymLink];

        // Which symbols use each version index.
        var users = new Dictionary<int, List<string>>();
        long symbolCount = dynsymSize / dynsymEntSize;
        for (long s = 0; s < symbolCount; s++)
        {
            int index = BitConverter.ToUInt16(bytes, (int)(versymOff + 2 * s)) & 0x7fff;
            if (index < 2) continue;
            uint nameOff = BitConverter.ToUInt32(bytes, (int)(dynsymOff + s * dynsymEntSize));
            if (!users.TryGetValue(index, out var list)) users[index] = list = new List<string>();
            list.Add(ReadString(bytes, symStrtab + nameOff));
        }

        bool changed = false;
        long need = verneedOff;
        for (int n = 0; n < verneedCount; n++)
        {
            int auxCount = BitConverter.ToUInt16(bytes, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(bytes, (int)need + 8);
            for (int a = 0; a < auxCount; a++)
            {
                ushort flags = BitConverter.ToUInt16(bytes, (int)aux + 4);
                int other = BitConverter.ToUInt16(bytes, (int)aux + 6);
                string name = ReadString(bytes, verStrtab + BitConverter.ToUInt32(bytes, (int)aux + 8));
                if ((flags & VerFlgWeak) == 0 && users.TryGetValue(other, out var symbols)
                    && symbols.TrueForAll(AnchorSymbols.Contains))
                {
                    BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, (int)aux + 4);
                    weakened.Add(name);
                    changed = true;
                }
                aux += BitConverter.ToUInt32(bytes, (int)aux + 12);
            }
            need += BitConverter.ToUInt32(bytes, (int)need + 12);
        }
        if (!changed) return weakened;

        // New file renamed over the old one: a hard link into the NuGet cache is broken, never written through.
        var stamp = File.GetLastWriteTimeUtc(path);
        var temp = path + ".patching";
        File.WriteAllBytes(temp, bytes);
        File.SetLastWriteTimeUtc(temp, stamp);
        File.Replace(temp, path, null); // rename(2) on Unix
        return weakened;
    }

    static string ReadString(byte[] bytes, long offset)
    {
        int end = (int)offset;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)offset, end - (int)offset);
    }
}
