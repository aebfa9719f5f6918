import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      ".tools/",
      "reports/",
      "scenarios/build/",
      "bench/out/",
      "bench/*.mjs",
      "eslint.config.js",
      // Scaffolds for a user's project (`slogate init`): they import the
      // published `slogate/k6`, so they are type-checked and run where they
      // are meant to be, in an installed project (test/e2e/user-project.test.ts).
      "templates/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
