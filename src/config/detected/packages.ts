import * as path from 'node:path';
import { LOCKFILES, packageEntries, packageManagerOf, readPackageJson, type PackageManifest } from './packageJson';
import { readPnpmWorkspace } from './pnpmWorkspace';
import type { DetectFs, DetectProblem, DetectResult, PackageManager } from './types';

interface FoundPackage {
  folder: string;
  manifest: PackageManifest;
  manager: PackageManager;
}

/**
 * The scripts of every folder's package.json and of the packages of its npm, yarn or pnpm
 * workspace. With more than one package in the window, each name says its package:
 * `npm: web/dev`.
 */
export async function readPackages(folders: readonly string[], fs: DetectFs): Promise<DetectResult> {
  const problems: DetectProblem[] = [];
  const found = (await Promise.all(folders.map((folder) => readFolder(folder, fs, problems)))).flat();
  const labels = labelsOf(found);
  const several = found.length > 1;
  const entries = found.flatMap((pkg) => packageEntries(pkg.manifest, { folder: pkg.folder, manager: pkg.manager, label: several ? labels.get(pkg) : undefined }));
  return { entries, problems };
}

async function readFolder(folder: string, fs: DetectFs, problems: DetectProblem[]): Promise<FoundPackage[]> {
  const rootFile = path.join(folder, 'package.json');
  const [rootText, pnpmText] = await Promise.all([fs.readText(rootFile), fs.readText(path.join(folder, 'pnpm-workspace.yaml'))]);
  const root = rootText === undefined ? undefined : readPackageJson(rootText, rootFile);
  problems.push(...(root?.problems ?? []));
  const pnpm = pnpmText === undefined ? undefined : readPnpmWorkspace(pnpmText, path.join(folder, 'pnpm-workspace.yaml'));
  problems.push(...(pnpm?.problems ?? []));
  const manager = root?.manifest?.packageManager ?? packageManagerOf(undefined, await lockfilesIn(folder, fs));
  const globs = [...(root?.manifest?.workspaces ?? []), ...(pnpm?.globs ?? [])];
  const packages: FoundPackage[] = root?.manifest ? [{ folder, manifest: root.manifest, manager }] : [];
  if (globs.length === 0) return packages;
  const dirs = (await fs.findDirectories(folder, globs)).filter((dir) => path.resolve(dir) !== path.resolve(folder)).sort();
  const members = await Promise.all(dirs.map(async (dir) => {
    const file = path.join(dir, 'package.json');
    const text = await fs.readText(file);
    if (text === undefined) return undefined;
    const read = readPackageJson(text, file);
    problems.push(...read.problems);
    return read.manifest;
  }));
  for (const manifest of members) if (manifest) packages.push({ folder, manifest, manager });
  return packages;
}

async function lockfilesIn(folder: string, fs: DetectFs): Promise<Set<string>> {
  const exists = fs.exists?.bind(fs) ?? (async (file: string) => (await fs.readText(file)) !== undefined);
  const present = await Promise.all(LOCKFILES.map((name) => exists(path.join(folder, name))));
  return new Set(LOCKFILES.filter((_, i) => present[i]));
}

/**
 * Each package's label: its `name` where no other package of the window has the same one, else
 * its folder relative to the workspace folder (the workspace folder's own name for its root).
 */
function labelsOf(found: readonly FoundPackage[]): Map<FoundPackage, string> {
  const counts = new Map<string, number>();
  for (const { manifest } of found) if (manifest.name) counts.set(manifest.name, (counts.get(manifest.name) ?? 0) + 1);
  return new Map(found.map((pkg) => {
    const { name, file } = pkg.manifest;
    if (name !== undefined && counts.get(name) === 1) return [pkg, name];
    const relative = path.relative(pkg.folder, path.dirname(file)).split(path.sep).join('/');
    return [pkg, relative === '' ? path.basename(pkg.folder) : relative];
  }));
}
