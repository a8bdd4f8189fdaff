import { Aws, Duration } from 'aws-cdk-lib';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ROLES } from '../../contracts/token-api.js';
import type { ErrorCode } from '../../contracts/token-api.js';
import { TOKEN_METRICS, type TokenApi } from './token-api.js';

export interface MonitoringProps {
  readonly tokenApi: TokenApi;
  /** Tokens issued per minute above which the abuse alarm fires. */
  readonly tokensPerMinuteThreshold: number;
  /** Subscribed (e-mail) to an SNS topic every alarm notifies; the budget's notices go here too. */
  readonly alarmEmail?: string;
  /** A monthly cost budget (USD) with e-mail notices at 80 % and 100 % of it; needs alarmEmail. */
  readonly monthlyBudgetUsd?: number;
}

/** Percentages of the budget at which AWS Budgets e-mails (actual spend). */
const BUDGET_NOTICE_PERCENTS = [80, 100] as const;

/** Error codes that mean "IVS or the API pushed back", i.e. throttling rather than a bug. */
const THROTTLE_CODES: readonly ErrorCode[] = ['THROTTLED', 'QUOTA_EXCEEDED'];

/** A dashboard for the token API and alarms for failures, throttling and unusual token volume. */
export class Monitoring extends Construct {
  public readonly dashboard: Dashboard;
  /** The topic every alarm notifies (context alarmEmail). */
  public readonly alarmTopic?: Topic;
  public readonly budget?: CfnBudget;
  public readonly alarms: {
    readonly apiServerErrors: Alarm;
    readonly functionErrors: Alarm;
    readonly functionThrottles: Alarm;
    readonly tokenThrottles: Alarm;
    readonly tokensPerMinute: Alarm;
  };

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { api, handler } = props.tokenApi;
    const fiveMinutes = Duration.minutes(5);
    const minute = Duration.minutes(1);

    const tokensIssued = (role: string): Metric =>
      new Metric({
        namespace: TOKEN_METRICS.namespace,
        metricName: 'TokensIssued',
        dimensionsMap: { service: TOKEN_METRICS.service, role, minting: props.tokenApi.mintingMode },
        statistic: 'Sum',
        period: minute,
        label: `${role} tokens`,
      });
    const tokenErrors = (code: ErrorCode): Metric =>
      new Metric({
        namespace: TOKEN_METRICS.namespace,
        metricName: 'TokenErrors',
        dimensionsMap: { service: TOKEN_METRICS.service, code },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const byRole = Object.fromEntries(ROLES.map((role) => [role, tokensIssued(role)]));
    const allTokens = new MathExpression({
      expression: ROLES.join(' + '),
      usingMetrics: byRole,
      period: minute,
      label: 'tokens issued per minute',
    });
    const throttleErrors = new MathExpression({
      expression: THROTTLE_CODES.map((_, i) => `e${i}`).join(' + '),
      usingMetrics: Object.fromEntries(THROTTLE_CODES.map((code, i) => [`e${i}`, tokenErrors(code)])),
      period: fiveMinutes,
      label: 'token requests throttled',
    });

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string): Alarm =>
      new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    this.alarms = {
      apiServerErrors: alarm(
        'ApiServerErrors',
        api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
        5,
        'The token API returned 5 or more 5xx responses in 5 minutes.',
      ),
      functionErrors: alarm(
        'FunctionErrors',
        handler.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        'The token function failed (unhandled error or timeout) in the last 5 minutes.',
      ),
      functionThrottles: alarm(
        'FunctionThrottles',
        handler.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        'Lambda throttled the token function (account concurrency exhausted).',
      ),
      tokenThrottles: alarm(
        'TokenThrottles',
        throttleErrors,
        1,
        'IVS throttled token or stage calls, or a service quota was hit (TokenErrors with code THROTTLED or QUOTA_EXCEEDED).',
      ),
      tokensPerMinute: new Alarm(this, 'TokensPerMinute', {
        metric: allTokens,
        threshold: props.tokensPerMinuteThreshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          `More than ${props.tokensPerMinuteThreshold} participant tokens issued in one minute: possible abuse ` +
          '(context tokensPerMinuteAlarmThreshold).',
      }),
    };

    if (props.alarmEmail !== undefined) this.alarmTopic = this.notify(props.alarmEmail);
    if (props.monthlyBudgetUsd !== undefined) {
      if (props.alarmEmail === undefined) throw new Error('monthlyBudgetUsd needs alarmEmail: the notices are e-mailed');
      this.budget = this.costBudget(props.monthlyBudgetUsd, props.alarmEmail);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Token API requests',
        left: [api.metricCount({ period: minute, statistic: 'Sum', label: 'requests' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Token API errors',
        left: [
          api.metricClientError({ period: minute, statistic: 'Sum', label: '4xx' }),
          api.metricServerError({ period: minute, statistic: 'Sum', label: '5xx' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Token API latency (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) => api.metricLatency({ period: minute, statistic, label: statistic })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Token function errors and throttles',
        left: [
          handler.metricErrors({ period: minute, statistic: 'Sum', label: 'errors' }),
          handler.metricThrottles({ period: minute, statistic: 'Sum', label: 'throttles' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Token function duration (ms)',
        left: ['p50', 'p99', 'Maximum'].map((statistic) =>
          handler.metricDuration({ period: minute, statistic, label: statistic }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Tokens issued by role (per minute)',
        left: Object.values(byRole),
        leftAnnotations: [{ value: props.tokensPerMinuteThreshold, label: 'abuse alarm (all roles)' }],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Token errors by code',
        left: [
          new MathExpression({
            expression: `SEARCH('{${TOKEN_METRICS.namespace},service,code} MetricName="TokenErrors"', 'Sum', 300)`,
            label: '',
            period: fiveMinutes,
          }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 12 }),
    );
  }

  /** An SNS topic with an e-mail subscription, notified by every alarm when it fires and when it recovers. */
  private notify(email: string): Topic {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'IVS test environment alarms', enforceSSL: true });
    topic.addSubscription(new EmailSubscription(email));
    // A topic policy replaces SNS's default one, so CloudWatch gets its own grant: alarms of this account only.
    topic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    const action = new SnsAction(topic);
    for (const alarm of Object.values(this.alarms)) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return topic;
  }

  /** An AWS Budgets cost budget for the account, e-mailing at 80 % and 100 % of actual monthly spend. */
  private costBudget(usd: number, email: string): CfnBudget {
    return new CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: usd, unit: 'USD' },
      },
      notificationsWithSubscribers: BUDGET_NOTICE_PERCENTS.map((threshold) => ({
        notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
        subscribers: [{ subscriptionType: 'EMAIL', address: email }],
      })),
    });
  }
}
