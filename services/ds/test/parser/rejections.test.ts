import t from 'tap'
import { parseMessage, type RejectReason } from '../../src/parser/index.js'

const cases: Record<RejectReason, string[]> = {
  otp: [
    'OTP for txn of Rs 500 is 123456. Do not share it with anyone. -HDFC Bank',
    '482913 is your one-time password for the transaction of INR 2,499.00 at MYNTRA on card XX1234.',
    'Your verification code is 5521. It expires in 10 minutes.',
    'BofA: 663201 is your authorization code to complete a $99.00 purchase at APPLE.COM.',
  ],
  promotion: [
    'Get flat 20% off on your next order with HDFC Bank cards! Use code SAVE20. T&C apply. Shop now.',
    'Exclusive festive offer: cashback up to Rs 1,500 on electronics. Hurry, limited period!',
  ],
  loan_offer: [
    'Dear Customer, you have a pre-approved loan of Rs 5,00,000 at 10.5% p.a. Apply now in 2 clicks.',
    'You are eligible for an instant personal loan of up to INR 3,00,000. Get funds in minutes.',
  ],
  payment_due_reminder: [
    'Total due Rs 12,345 by 05-Dec on your ICICI Bank Credit Card XX1234. Min due Rs 620.',
    'Your statement is generated. Minimum amount due: $35.00. Payment due date 03/28.',
    'Rs 499 will be debited from your a/c XX1234 on 15-03-24 towards Netflix subscription via UPI AutoPay.',
  ],
  declined: [
    'Your transaction of Rs.2,000 at AMAZON using card XX1234 was declined due to insufficient funds.',
    'Payment of ₹750 to ZOMATO failed. Any amount debited will be refunded in 3-5 days.',
    'Monzo: your payment of £12.00 at TFL was declined.',
  ],
  mandate_setup: [
    'E-mandate registered successfully for NETFLIX for max amount Rs 649 on your A/c XX1234.',
    'UPI AutoPay mandate of Rs 199 for Spotify has been successfully created on your account.',
    'Your standing instruction for Rs 5,000 to SIP MUTUAL FUND has been registered on card XX4455.',
  ],
  balance_enquiry: ['The available balance in your A/c XX1234 as on 12-03-24 is Rs 45,678.90.', 'Your account balance is $1,234.56 as of 03/12/2024.'],
  delivery: [
    'Your Amazon order #403-1234567 with Rs 1,299 COD has been shipped. Track your package: amzn.in/t/abc',
    'Out for delivery: your parcel will be delivered today. Keep Rs 499 ready.',
  ],
  not_a_transaction: [
    'Rahul has requested ₹500 from you on Google Pay. Pay or decline.',
    // Money requests in other languages, pending authorisations and payments still in flight.
    'Sanne heeft je een betaalverzoek van € 12,00 gestuurd.',
    'Tienes una solicitud de pago de 15,00 € de LUIS.',
    'Your card ending 1234 has a pending authorization of $25.00 at HERTZ.',
    'Your payment of £40.00 to EDF Energy is pending.',
    'Your transfer of PHP 800.00 to 0917***4455 is being processed.',
    'Dear Customer, our branch will remain closed on 15-Aug for Independence Day.',
    '',
  ],
}

t.test('each non-transaction kind is rejected with its reason and no fields', async (t) => {
  for (const [reason, texts] of Object.entries(cases)) {
    for (const text of texts) {
      const r = parseMessage({ text, sender: 'VM-HDFCBK', receivedAt: '2024-03-13T00:00:00Z' })
      t.same([r.isTransaction, r.rejectReason, r.amount, r.type], [false, reason, null, null], `${reason}: ${text.slice(0, 60)}`)
    }
  }
})

t.test('transactions that mention OTPs, offers or reversals are still transactions', async (t) => {
  const keep = [
    ['Rs.500.00 debited from a/c XX1234 to VPA swiggy@icici. Never share your OTP or PIN with anyone.', 'debit'],
    ['Rs 750 for your failed payment to ZOMATO has been reversed to your a/c XX1234.', 'credit'],
    ['Rs 649.00 debited from A/c XX1234 for NETFLIX via e-mandate (executed). Avl bal Rs 10,000.', 'debit'],
    ['Thank you for your payment of Rs 12,345 towards your credit card XX1234. Total due is now Rs 0.', 'credit'],
    ['Your pending charge of $30.00 at SHELL has now posted to your card ending 1234.', 'debit'],
  ] as const
  for (const [text, type] of keep) {
    const r = parseMessage({ text, sender: 'VM-HDFCBK' })
    t.same([r.isTransaction, r.type], [true, type], text.slice(0, 60))
  }
})
