/**
 * HTTP surface of webhooks: each handler takes the validated input, calls the service, returns data.
 */
import type { OperationHandlers } from '../http/operations.ts';
import type { WebhookService } from './service.ts';

type WebhookHandlers = Pick<
  OperationHandlers,
  | 'createWebhook'
  | 'listWebhooks'
  | 'getWebhook'
  | 'updateWebhook'
  | 'deleteWebhook'
  | 'rotateWebhookSecret'
  | 'listWebhookDeliveries'
  | 'redeliverWebhookDelivery'
  | 'sendWebhookTestEvent'
>;

export function webhookHandlers(webhooks: WebhookService): WebhookHandlers {
  return {
    createWebhook: ({ access, body }) => webhooks.createWebhook(access.project.appId, body),
    listWebhooks: ({ access }) => webhooks.listWebhooks(access.project.appId),
    getWebhook: ({ access, params }) => webhooks.getWebhook(access.project.appId, params.webhookId),
    updateWebhook: ({ access, params, body }) => webhooks.updateWebhook(access.project.appId, params.webhookId, body),
    deleteWebhook: ({ access, params }) => webhooks.deleteWebhook(access.project.appId, params.webhookId),
    rotateWebhookSecret: ({ access, params }) => webhooks.rotateSecret(access.project.appId, params.webhookId),
    listWebhookDeliveries: ({ access, params, query }) => webhooks.listDeliveries(access.project.appId, params.webhookId, query),
    redeliverWebhookDelivery: ({ access, params }) => webhooks.redeliver(access.project.appId, params.webhookId, params.deliveryId),
    sendWebhookTestEvent: ({ access, params }) => webhooks.sendTestEvent(access.project.appId, params.webhookId),
  };
}
