// Writes the package's type declarations: every type src/types/index.ts exports, written out in
// full (no imports), so `import type { Template } from "gupshup-mcp"` needs nothing else installed.
import { writeFileSync } from "node:fs";
import ts from "typescript";

const ENTRY = "src/types/index.ts";

export function buildTypes(outFile) {
  const program = ts.createProgram([ENTRY], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(ENTRY);
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.UseStructuralFallback;
  const out = ["// Generated from src/types/index.ts by scripts/lib/build-types.mjs: the types of gupshup-mcp's tool results.", ""];
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source))) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    if (doc) out.push(`/** ${doc.replace(/\n/g, "\n * ")} */`);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    if (declaration && ts.isInterfaceDeclaration(declaration)) {
      const members = checker.getPropertiesOfType(type).map((p) => {
        const pdoc = ts.displayPartsToString(p.getDocumentationComment(checker));
        const optional = p.flags & ts.SymbolFlags.Optional ? "?" : "";
        const type = checker.typeToString(checker.getTypeOfSymbol(p), undefined, flags);
        // An optional property's type carries `| undefined`; the `?` already says it.
        const text = optional ? type.replace(/ \| undefined$/, "") : type;
        return `${pdoc ? `  /** ${pdoc} */\n` : ""}  ${p.name}${optional}: ${text};`;
      });
      out.push(`export interface ${exported.name} {\n${members.join("\n")}\n}`, "");
    } else {
      out.push(`export type ${exported.name} = ${checker.typeToString(type, declaration, flags)};`, "");
    }
  }
  const text = out.join("\n");
  if (/import\(|\bz\./.test(text)) throw new Error(`the generated types still refer to other modules:\n${text}`);
  writeFileSync(outFile, text);
  return text;
}
