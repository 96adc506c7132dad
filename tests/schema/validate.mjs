// Owns: the second validator of schemas/eci-exec.schema.json, for server/tests/schema_ajv.rs:
// ajv 8 (draft 2020-12) in strict mode, every file read as JSONC by jsonc-parser (VS Code's
// reader: comments and trailing commas allowed). Usage: node validate.mjs SCHEMA FILE...
// Prints one JSON line per file: {"file", "parsed", "failures": [{"pointer", "keyword",
// "onString"}]}; exits 2 when the schema does not compile.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "jsonc-parser";

// VS Code's documentation keywords: declared, so strict mode accepts them as annotations.
const EDITOR_KEYWORDS = ["markdownDescription", "enumDescriptions", "markdownEnumDescriptions"];

const [schemaPath, ...files] = process.argv.slice(2);
// Strict in every respect; union types are allowed, since a Command is an array or a string.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, verbose: true });
for (const keyword of EDITOR_KEYWORDS) {
  ajv.addKeyword(keyword);
}
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (error) {
  console.error(`the schema does not compile in strict mode: ${error.message}`);
  process.exit(2);
}

// A lone surrogate (a key written `"Sync\udfff"`) becomes U+FFFD, as the server decodes it,
// so that the line is well-formed JSON.
const wellFormed = (text) => text.replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
const escape = (segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

for (const file of files) {
  const errors = [];
  const value = parse(readFileSync(file, "utf8"), errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    console.log(JSON.stringify({ file, parsed: false, failures: [] }));
    continue;
  }
  validate(value);
  // The key a failure is about, where it is about a key rather than a value.
  const key = (error) =>
    error.keyword === "additionalProperties"
      ? error.params.additionalProperty
      : error.keyword === "propertyNames"
        ? error.params.propertyName
        : undefined;
  const failures = (validate.errors ?? [])
    // `if` only says that its `then` failed, `propertyNames` that a key failed its own
    // schema: the failures inside are reported on their own (the key's, with `propertyName`,
    // once, as `propertyNames`).
    .filter((error) => error.keyword !== "if" && error.propertyName === undefined)
    .map((error) => ({
      pointer: wellFormed(
        key(error) === undefined ? error.instancePath : `${error.instancePath}/${escape(key(error))}`,
      ),
      keyword: error.keyword,
      onString: typeof error.data === "string",
    }));
  console.log(JSON.stringify({ file, parsed: true, failures }));
}
