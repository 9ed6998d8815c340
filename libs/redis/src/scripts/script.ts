/**
 * One Lua script. Scripts live in `.ts` modules holding the Lua as a template string
 * rather than in `.lua` files so they survive bundling by tsup and run under tsx and
 * jest without a file loader or a copy step. The file name is `<name>-<numberOfKeys>.ts`
 * (bullmq's convention) and the Lua starts with a header documenting KEYS, ARGV and the
 * return value; negative returns are `ScriptErrorCode`s.
 */
export interface ScriptDefinition {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}
