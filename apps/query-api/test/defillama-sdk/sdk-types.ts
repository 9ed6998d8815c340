import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * The answer types DefiLlama's TypeScript SDK (@defillama/api) declares, read from its
 * published declarations with the TypeScript compiler, so a JSON answer can be checked
 * field by field against what a typed client expects: a field the SDK declares as
 * `string` (or `logo?: string`) that is null breaks such a client, though JSON schemas of
 * our own would let it through.
 */
export class SdkTypes {
  /** The installed SDK version (named in failures). */
  readonly version: string;
  readonly #checker: ts.TypeChecker;
  readonly #exports: Map<string, ts.Symbol>;

  constructor() {
    const dist = dirname(require.resolve('@defillama/api'));
    this.version = (JSON.parse(readFileSync(join(dist, '../package.json'), 'utf8')) as { version: string }).version;
    const declarations = join(dist, 'index.d.ts');
    const program = ts.createProgram([declarations], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      types: [],
    });
    this.#checker = program.getTypeChecker();
    const module = this.#checker.getSymbolAtLocation(program.getSourceFile(declarations)!);
    if (!module) throw new Error(`no module in ${declarations}`);
    this.#exports = new Map(
      this.#checker.getExportsOfModule(module).map((symbol) => [symbol.name, this.#resolve(symbol)]),
    );
  }

  /**
   * What `<module>.<method>()` resolves to, e.g. `('TvlModule', 'getProtocols')` ->
   * `Protocol[]`; `overload` picks among declared overloads (in declaration order).
   */
  answerOf(module: string, method: string, overload = 0): ts.Type {
    const moduleSymbol = this.#exports.get(module);
    if (!moduleSymbol) throw new Error(`@defillama/api ${this.version} exports no ${module}`);
    const methodSymbol = this.#checker.getDeclaredTypeOfSymbol(moduleSymbol).getProperty(method);
    if (!methodSymbol) throw new Error(`@defillama/api ${this.version}: ${module} has no ${method}`);
    const signature = this.#checker.getTypeOfSymbol(methodSymbol).getCallSignatures()[overload];
    if (!signature) throw new Error(`@defillama/api ${this.version}: ${module}.${method} has no overload ${overload}`);
    const returned = this.#checker.getReturnTypeOfSignature(signature);
    return this.#checker.getAwaitedType(returned) ?? returned;
  }

  /** The type as the SDK writes it (`Protocol[]`), for messages. */
  name(type: ts.Type): string {
    return this.#checker.typeToString(type);
  }

  /** Every place `value` departs from `type`, as `<path>: <what>`; empty when it conforms. */
  problems(type: ts.Type, value: unknown, path = '$'): string[] {
    const out: string[] = [];
    this.#check(type, value, path, out);
    return out;
  }

  #resolve(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? this.#checker.getAliasedSymbol(symbol) : symbol;
  }

  #check(type: ts.Type, value: unknown, path: string, out: string[]): void {
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (type.isUnion()) {
      if (!type.types.some((member) => this.problems(member, value, path).length === 0))
        out.push(`${path}: ${describe(value)} where the SDK declares ${this.name(type)}`);
      return;
    }
    if (type.isIntersection()) {
      for (const member of type.types) this.#check(member, value, path, out);
      return;
    }
    const ok = (condition: boolean) => {
      if (!condition) out.push(`${path}: ${describe(value)} where the SDK declares ${this.name(type)}`);
    };
    if (flags & ts.TypeFlags.Null) return ok(value === null);
    if (flags & ts.TypeFlags.Undefined) return ok(value === undefined);
    if (flags & ts.TypeFlags.String) return ok(typeof value === 'string');
    if (flags & ts.TypeFlags.Number) return ok(typeof value === 'number');
    if (flags & ts.TypeFlags.Boolean) return ok(typeof value === 'boolean');
    if (type.isStringLiteral() || type.isNumberLiteral()) return ok(value === type.value);
    if (flags & ts.TypeFlags.BooleanLiteral) return ok(value === (this.name(type) === 'true'));
    if (!(flags & ts.TypeFlags.Object)) return ok(false); // a kind of type no answer should meet
    if (this.#checker.isArrayType(type) || this.#checker.isTupleType(type)) {
      if (!Array.isArray(value)) return ok(false);
      const args = this.#checker.getTypeArguments(type as ts.TypeReference);
      if (this.#checker.isTupleType(type) && value.length !== args.length) return ok(false);
      value.forEach((item, i) =>
        this.#check(args[this.#checker.isTupleType(type) ? i : 0]!, item, `${path}[${i}]`, out),
      );
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return ok(false);
    const record = value as Record<string, unknown>;
    const declared = new Set<string>();
    for (const property of type.getProperties()) {
      declared.add(property.name);
      const at = `${path}.${property.name}`;
      if (!Object.hasOwn(record, property.name)) {
        if (!(property.flags & ts.SymbolFlags.Optional))
          out.push(`${at}: missing where the SDK declares ${this.name(this.#checker.getTypeOfSymbol(property))}`);
        continue;
      }
      this.#check(this.#checker.getTypeOfSymbol(property), record[property.name], at, out);
    }
    const index = this.#checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.String);
    if (index)
      for (const [key, item] of Object.entries(record))
        if (!declared.has(key)) this.#check(index.type, item, `${path}[${JSON.stringify(key)}]`, out);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
