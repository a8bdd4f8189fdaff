import { CfnElement, CustomResource, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnPublicKey } from 'aws-cdk-lib/aws-ivs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { appFunction, functionRole, stackLogGroup } from '../defaults.js';

export interface TokenSigningKeyProps {
  /** Retention of the key generator's log groups. */
  readonly logRetention: RetentionDays;
}

/**
 * The ES384 key pair for self-signed participant tokens. A deploy-time custom resource generates it in Lambda, writes
 * the private key (PKCS#8 PEM) into a secret the stack owns and hands back only the public PEM, which becomes an
 * `AWS::IVS::PublicKey`. Key material therefore never passes through the template or cdk.out, and `cdk destroy`
 * removes the secret and the IVS public key with everything else.
 */
export class TokenSigningKey extends Construct {
  /** Holds the private key; its SecretString is the PKCS#8 PEM. */
  public readonly privateKey: Secret;
  /** The IVS public key that verifies tokens signed with the private key. */
  public readonly publicKey: CfnPublicKey;
  /** ARN of the IVS public key (the `kid` of signed tokens). */
  public readonly publicKeyArn: string;

  constructor(scope: Construct, id: string, props: TokenSigningKeyProps) {
    super(scope, id);

    this.privateKey = new Secret(this, 'PrivateKey', {
      description: 'PKCS#8 PEM private key (P-384) that signs self-signed IVS participant tokens; written at deploy time',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.privateKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is half of a key pair whose public half is registered with IVS; a rotation Lambda would desynchronise them. ' +
        'The pair is replaced by redeploying with a replaced secret, or by cdk destroy + deploy.',
    });

    const generator = appFunction(this, 'Generator', {
      entry: 'lambda/keygen/handler.ts',
      description: 'Generates the P-384 key pair for self-signed IVS tokens (deploy time only)',
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
    });
    // Write-only: the generator never reads the key back.
    generator.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [this.privateKey.secretArn] }),
    );

    const providerLogs = stackLogGroup(this, 'ProviderLogs', props.logRetention);
    const providerRole = functionRole(this, 'ProviderRole', providerLogs, 'CloudFormation custom-resource framework for the key pair');
    const provider = new Provider(this, 'Provider', {
      onEventHandler: generator,
      logGroup: providerLogs,
      frameworkOnEventRole: providerRole,
    });
    Validations.of(providerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(generator.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'The CDK provider framework may invoke any version of the key generator function (ARN:*), and only that function.',
    });

    const keyPair = new CustomResource(this, 'KeyPair', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::IvsTokenKeyPair',
      properties: { SecretId: this.privateKey.secretArn },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.publicKey = new CfnPublicKey(this, 'PublicKey', {
      publicKeyMaterial: keyPair.getAttString('PublicKeyPem'),
    });
    Tags.of(this.publicKey).add('ivs-test-env:role', 'token-signing-key');
    this.publicKeyArn = this.publicKey.attrArn;
  }

  /** Lets `grantee` read the private key (secretsmanager:GetSecretValue on this one secret). */
  public grantSign(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.privateKey.secretArn] }),
    );
  }
}
