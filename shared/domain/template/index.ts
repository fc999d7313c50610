/** Placeholder until the template engine lands: every template is accepted. */
export function checkTemplateSyntax(_text: string): string | undefined {
  return undefined;
}
