/** A case asks something the model cannot express (an operation by a domain that does not exist, a second boot). */
export class CaseModelError extends Error {}
