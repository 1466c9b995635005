// Writes the settings tables of docs/settings.md from the schema in package.json, the one place a
// setting or a definition field is described. `--check` only reports whether docs/settings.md is
// current; a directory argument works on that tree instead of this repository.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const BEGIN = '<!-- settings: generated from package.json by `npm run settings-doc` -->';
const END = '<!-- settings: end -->';

/** One line of markdown: table cells cannot hold line breaks or bare pipes. */
function cell(text) {
  return String(text).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function code(value) {
  return `\`${JSON.stringify(value)}\``;
}

function typeOf(schema) {
  if (schema.oneOf) return schema.oneOf.map(typeOf).join(' or ');
  const types = [schema.type ?? 'any'].flat();
  return types.map((type) => (type === 'array' && schema.items?.type ? `${schema.items.type}[]` : type)).join(' or ');
}

/** The range a number takes, read from whichever bounds the schema sets. */
function rangeOf(schema) {
  const target = schema.type === 'array' && schema.items ? schema.items : schema;
  const bounds = [];
  if (target.minimum !== undefined) bounds.push(`at least ${target.minimum}`);
  if (target.exclusiveMinimum !== undefined) bounds.push(`above ${target.exclusiveMinimum}`);
  if (target.maximum !== undefined) bounds.push(`at most ${target.maximum}`);
  return bounds.join(', ');
}

/** Settings links (`#devProcesses.alerts#`) work in the editor only. */
function plain(text) {
  return text.replace(/#([\w.]+)#/g, '$1');
}

function sentence(text) {
  return text.replace(/\.$/, '');
}

/** Rows already written, so that a schema or a set of choices met again points to its first row. */
class Seen {
  schemas = new Map();
  choices = new Map();
}

function describeChoices(schema, name, seen) {
  const text = schema.enum.map((choice, i) => (schema.enumDescriptions?.[i] ? `${code(choice)}: ${sentence(schema.enumDescriptions[i])}` : code(choice))).join('; ');
  const first = seen.choices.get(text);
  if (first !== undefined) return `One of the choices of \`${first}\`.`;
  seen.choices.set(text, name);
  return `One of ${text}.`;
}

function describe(schema, name, seen) {
  const parts = [schema.markdownDescription ?? schema.description ?? ''];
  if (schema.patternErrorMessage) parts.push(schema.patternErrorMessage);
  if (schema.enum) parts.push(describeChoices(schema, name, seen));
  for (const branch of schema.oneOf ?? []) {
    const range = rangeOf(branch);
    if (branch.markdownDescription) parts.push(`As ${branch.type}${range ? ` (${range})` : ''}: ${branch.markdownDescription}`);
  }
  const range = schema.oneOf ? '' : rangeOf(schema);
  if (range) parts.push(`Range: ${range}.`);
  if (schema.default !== undefined && !isObjectDefault(schema)) parts.push(`Default: ${code(schema.default)}.`);
  return cell(plain(parts.filter(Boolean).join(' ')));
}

/** An object's default is an example the editor offers; its fields carry the real defaults. */
function isObjectDefault(schema) {
  return schema.type === 'object' || schema.type === 'array';
}

/** The fields below a schema: its own, an array item's, and those a branch adds (a probe's `url`). */
function childrenOf(schema, name) {
  const children = Object.entries(schema.properties ?? {}).map(([key, child]) => [`${name}.${key}`, child, '']);
  for (const item of schema.items?.oneOf ?? []) {
    for (const [key, child] of Object.entries(item.properties ?? {})) children.push([`${name}[].${key}`, child, '']);
  }
  for (const branch of schema.allOf ?? []) {
    const type = branch.if?.properties?.type?.const;
    for (const [key, child] of Object.entries(branch.then?.properties ?? {})) {
      if (child !== true) children.push([`${name}.${key}`, child, type ? `With \`type\` ${code(type)}: ` : '']);
    }
  }
  return children;
}

/** A row for a field, then rows for the fields below it (`retry.maxRetries`). */
function fieldRows(name, schema, seen, lead = '') {
  const key = JSON.stringify(schema);
  const first = seen.schemas.get(key);
  if (first !== undefined) return [`| \`${name}\` | ${cell(typeOf(schema))} | ${cell(lead)}As \`${first}\`. |`];
  seen.schemas.set(key, name);
  const row = `| \`${name}\` | ${cell(typeOf(schema))} | ${cell(lead)}${describe(schema, name, seen)} |`;
  return [row, ...childrenOf(schema, name).flatMap(([childName, child, childLead]) => fieldRows(childName, child, seen, childLead))];
}

function table(rows) {
  return ['| field | type | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The generated part of docs/settings.md: every setting, then every field of a definition. */
function settingsDoc(pkg) {
  const properties = pkg.contributes.configuration.properties;
  const seen = new Seen();
  const settings = Object.entries(properties).map(([key, schema]) => `| \`${key}\` | ${cell(typeOf(schema))} | ${describe(schema, key, seen)} |`);
  const entry = properties['devProcesses.tasks'].items;
  return [
    BEGIN,
    table(settings).replace('| field |', '| setting |'),
    '',
    `Fields of a \`devProcesses.tasks\` entry (${entry.required.map((f) => `\`${f}\``).join(' and ')} required):`,
    '',
    table(Object.entries(entry.properties).flatMap(([key, schema]) => fieldRows(key, schema, seen))),
    END,
  ].join('\n');
}

/** docs/settings.md with its generated part replaced; throws when the markers are missing. */
function updatedReadme(readme, pkg) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/settings.md has no settings markers (${BEGIN} ... ${END}).`);
  return readme.slice(0, start) + settingsDoc(pkg) + readme.slice(end + END.length);
}

function main() {
  const root = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? ROOT;
  const readmePath = path.join(root, 'docs', 'settings.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const next = updatedReadme(readme, pkg);
  if (process.argv.includes('--check')) {
    if (next === readme) return;
    console.error('docs/settings.md does not match the settings in package.json: run npm run settings-doc');
    process.exitCode = 1;
    return;
  }
  if (next !== readme) fs.writeFileSync(readmePath, next);
}

main();
