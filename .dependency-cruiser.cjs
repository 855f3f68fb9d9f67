/**
 * The floors of src/, checked by `npm run lint:layers` (dependency-cruiser), which `npm test` runs first.
 * A part imports only from parts on floors below its own: never from a floor above, nor from a sibling on its
 * own floor. Type-only imports count too. docs/design.md says what each floor holds and why it stands where it does.
 */
const floors = [
  { cli: '^src/(main\\.ts|cli/)', library: '^src/index\\.ts$' },
  { jobs: '^src/jobs/' },
  { study: '^src/study/', queue: '^src/queue/', export: '^src/export/' },
  { report: '^src/report/' },
  { supervisor: '^src/supervisor/' },
  { actors: '^src/actors/' },
  { search: '^src/search/' },
  { train: '^src/train/' },
  { protocol: '^src/protocol/' },
  { config: '^src/config/' },
  { metrics: '^src/metrics/' },
  { nn: '^src/nn/' },
  { data: '^src/data/', backend: '^src/backend/' },
  { util: '^src/util/' },
  { errors: '^src/errors\\.ts$' },
];

const forbidden = floors.flatMap((floor, level) => Object.entries(floor).map(([part, path]) => {
  const above = floors.slice(0, level).flatMap((f) => Object.values(f));
  const siblings = Object.entries(floor).filter(([other]) => other !== part).map(([, p]) => p);
  return {
    name: `floor-${part}`,
    severity: 'error',
    comment: `src/${part} imports only from the floors below it (.dependency-cruiser.cjs, docs/design.md)`,
    from: { path },
    to: { path: [...above, ...siblings].map((p) => `(${p})`).join('|') },
  };
})).filter((rule) => rule.to.path !== '');

module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: 'not-a-floor',
      severity: 'error',
      comment: 'every file of src/ stands on a floor: add a new folder to the floors above',
      from: { path: '^src/', pathNot: floors.flatMap((f) => Object.values(f)).map((p) => `(${p})`).join('|') },
      to: {},
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc reads the sources, type imports included.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.test-build)/' },
  },
};
