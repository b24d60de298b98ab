// One zone and country, one tax rate, one shipping method, one payment method on the dummy handler (settling at
// once). Products come from products.csv.
const { dummyPaymentHandler } = require('@vendure/core');

module.exports = {
  defaultLanguage: 'en',
  defaultZone: 'Europe',
  taxRates: [{ name: 'Standard Tax', percentage: 20 }],
  shippingMethods: [{ name: 'Standard Shipping', price: 500 }],
  paymentMethods: [
    {
      name: 'Bench Payment',
      handler: { code: dummyPaymentHandler.code, arguments: [{ name: 'automaticSettle', value: 'true' }] },
    },
  ],
  countries: [{ name: 'United Kingdom', code: 'GB', zone: 'Europe' }],
  collections: [],
};
