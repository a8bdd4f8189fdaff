/** Reading cdk-nag's verdict on a construct tree: findings with and without acknowledgements, and the acknowledgements. */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement recorded in the construct tree (Validations.of(x).acknowledge). */
export function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** The pack's findings as `severity rule @ path` lines (readable when a test fails). */
export function findings(pack: AwsSolutionsChecks, root: IConstruct): string[] {
  const report = pack.validateScope(root);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity ?? 'error'} ${v.ruleName} @ ${r.constructPath}`),
  );
}

/** A pack that ignores every acknowledgement: what the stack would be told without them. */
export function unacknowledgedPack(): AwsSolutionsChecks {
  const pack = new AwsSolutionsChecks();
  // isAcknowledged is private in cdk-nag; overriding it on this instance is the only way to see raw findings.
  Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
  return pack;
}

/** Acknowledgements that match no raw finding on their construct (or below it): stale ones. */
export function unusedAcknowledgements(root: IConstruct): Acknowledgement[] {
  const raw = findings(unacknowledgedPack(), root);
  return acknowledgements(root).filter(
    (ack) =>
      !raw.some((line) => {
        const [, rule, , path] = line.split(' ');
        return rule === ack.id && (path === ack.path || path?.startsWith(`${ack.path}/`));
      }),
  );
}
