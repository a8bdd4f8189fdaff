/**
 * cdk-nag (v3, CDK policy-validation plugin) wiring and the acknowledgements for constructs the stack does not write
 * itself (CDK's own helper functions). Acknowledgements for our resources live next to the resource they concern.
 */
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Runs the AWS Solutions pack on every synth; an unacknowledged finding fails synthesis. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledgements for the singleton Lambda functions CDK adds at stack level on our behalf (the BucketDeployment
 * copier). Their roles are ours (lib/defaults.ts functionRole) and acknowledged where created.
 */
export function applyNagAcknowledgements(stack: Stack): void {
  for (const child of stack.node.children) {
    if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "CDK's BucketDeployment handler ships with the Python runtime its bundled AWS CLI layer is built for; CDK, not this " +
          'app, chooses and upgrades it.',
      });
    }
  }
}
