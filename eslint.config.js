// ESLint: typescript-eslint's type-checked rules, an exhaustive-switch rule, and
// import boundaries that keep data flowing one way through the pipeline.
import tseslint from 'typescript-eslint';

/** Folders in pipeline order; each may import only from earlier ones (and src/common). */
const PIPELINE = ['ir', 'passes', 'planner', 'codegen', 'runtime', 'inspect', 'cli'];

function laterThan(folder) {
  return PIPELINE.slice(PIPELINE.indexOf(folder) + 1);
}

const binaryenOnlyInCodegen = {
  name: 'binaryen',
  message: 'Only src/codegen/binaryen/ may import binaryen (it is 15 MB and slow to load).',
};

/** src/onnx is a frontend beside the pipeline: only src/index.ts and src/cli import it. */
const onnxOnlyFromApi = {
  group: ['**/onnx/*', '**/onnx/**'],
  message: 'src/onnx (the ONNX frontend) is imported only by src/index.ts and src/cli.',
};

const boundaries = PIPELINE.filter((f) => f !== 'runtime').map((folder) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['src/codegen/binaryen/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [binaryenOnlyInCodegen],
        patterns: [
          ...laterThan(folder).map((later) => ({
            group: [`**/${later}/*`, `../${later}`],
            message: `src/${folder} comes before src/${later} in the pipeline: imports only point backwards.`,
          })),
          ...(folder === 'cli' ? [] : [onnxOnlyFromApi]),
        ],
      },
    ],
  },
}));

/** src/onnx builds graphs through the public builder: it imports src/ir and src/common only. */
const onnxBoundary = {
  files: ['src/onnx/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [binaryenOnlyInCodegen],
        patterns: [
          {
            group: [
              '**/passes/*',
              '**/planner/*',
              '**/codegen/*',
              '**/runtime/*',
              '**/inspect/*',
              '**/cli/*',
              '**/compile*',
              '../index.js',
              '../../index.js',
            ],
            message:
              'src/onnx builds graphs through the public builder: it imports only src/ir and src/common.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.scratch/**',
      'coverage/**',
      'bench/results/**',
      'examples/browser/dist/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...boundaries,
  onnxBoundary,
  {
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [binaryenOnlyInCodegen],
          patterns: [
            {
              group: [
                '**/ir/*',
                '**/passes/*',
                '**/planner/*',
                '**/codegen/*',
                '**/inspect/*',
                '**/cli/*',
                '**/onnx/*',
                '**/onnx/**',
                '../compile*',
                '../index*',
              ],
              message:
                'The runtime loads saved modules without the compiler: it may import only src/runtime and src/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
