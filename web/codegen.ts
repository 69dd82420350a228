import type { CodegenConfig } from "@graphql-codegen/cli";

// Operations are typed from the committed schema: a schema change that breaks one of them
// fails the console's build.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Long: "number" },
        skipTypename: true,
      },
    },
  },
};

export default config;
