// Presentation helpers of the sign-off screens. What a person types into a rule is read by core
// (`RuleForm::parse`, the same reader as the CLI's --require); every rule about sign-offs
// (quorum, status, who may sign) stays in core.

/**
 * "business_unit" -> "Business unit": a heading for a name no vocabulary labels, such as a field
 * of a request's snapshot. A closed value set's label comes from core's vocabulary instead.
 */
export function keyLabel(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
