import { checkLabelKey, checkLabelValue } from './names';

/** Operators of a label selector requirement, as in Kubernetes `metav1.LabelSelector`. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One requirement of a label selector (`metav1.LabelSelectorRequirement`). */
export interface LabelSelectorRequirement {
  /** The label key the requirement applies to. */
  readonly key: string;
  /** How the key's value is compared with `values`. */
  readonly operator: SelectorOperator;
  /**
   * Values for `In` and `NotIn`; must be empty for `Exists` and `DoesNotExist`.
   *
   * @default []
   */
  readonly values?: readonly string[];
}

/**
 * A Kubernetes label selector. All `matchLabels` and `matchExpressions` are ANDed; an empty
 * selector (`{}`) matches everything.
 */
export interface LabelSelector {
  /**
   * Labels that must be present with exactly these values.
   *
   * @default {}
   */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /**
   * Further requirements, ANDed with `matchLabels`.
   *
   * @default []
   */
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/**
 * Whether `labels` satisfy `selector` with Kubernetes semantics.
 *
 * @param selector the selector; `{}` matches every label set
 * @param labels the labels of the object being selected
 */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) {
      return false;
    }
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // Only reachable from untyped code, whose props validation reports; an unknown operator selects nothing.
        return false;
    }
  }
  return true;
}

/**
 * Checks a selector's syntax.
 *
 * @returns one message per problem, empty when the selector is valid
 */
export function checkSelector(selector: LabelSelector): string[] {
  const messages: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const problem = checkLabelKey(key) ?? checkLabelValue(key, value);
    if (problem) messages.push(`matchLabels: ${problem}`);
  }
  for (const req of selector.matchExpressions ?? []) {
    const keyProblem = checkLabelKey(req.key);
    if (keyProblem) messages.push(`matchExpressions: ${keyProblem}`);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          messages.push(
            `matchExpressions: operator '${req.operator}' on key '${req.key}' needs at least one value; add values: ['…'] or use Exists`,
          );
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          messages.push(
            `matchExpressions: operator '${req.operator}' on key '${req.key}' takes no values, got ${JSON.stringify(values)}; remove values, or use In/NotIn`,
          );
        }
        break;
      default:
        messages.push(
          `matchExpressions: unknown operator '${String(req.operator)}' on key '${req.key}'; use In, NotIn, Exists or DoesNotExist`,
        );
    }
  }
  return messages;
}

/** Renders a selector the way kubectl prints it: `env=prod,region in (us-east,us-west)`. */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    switch (req.operator) {
      case 'In':
        parts.push(`${req.key} in (${(req.values ?? []).join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${req.key} notin (${(req.values ?? []).join(',')})`);
        break;
      case 'Exists':
        parts.push(req.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${req.key}`);
        break;
      default:
        parts.push(`${req.key} ${String(req.operator)}`);
    }
  }
  return parts.length === 0 ? '{} (everything)' : parts.join(',');
}
