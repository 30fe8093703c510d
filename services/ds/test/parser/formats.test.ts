// One block per format family, with messages written for these tests (not taken from the corpus).
import t from 'tap'
import { parseMessage } from '../../src/parser/index.js'
import { checkCases } from './support/expect.js'

t.test('Indian bank, card and UPI-app formats', async (t) => {
  checkCases(t, [
    {
      sender: 'VM-HDFCBK',
      text: 'Sent Rs.1,250.00\nFrom HDFC Bank A/C *4321\nTo ZEPTO MARKETPLACE\nOn 11/03/24\nRef 407112345678\nNot You?\nCall 18002586161/SMS BLOCK UPI to 7308080808',
      expect: {
        isTransaction: true,
        type: 'debit',
        amount: '1250.00',
        currency: 'INR',
        merchant: 'ZEPTO MARKETPLACE',
        accountLast4: '4321',
        occurredAt: '2024-03-11',
        channel: 'upi',
        reference: '407112345678',
      },
    },
    {
      sender: 'JD-SBIUPI',
      text: 'Dear UPI user A/C X9876 debited by 75.0 on date 10Mar24 trf to Chai Point Refno 407098765432. If not u? call 1800111109. -SBI',
      expect: {
        isTransaction: true,
        type: 'debit',
        amount: '75.00',
        currency: 'INR',
        merchant: 'Chai Point',
        accountLast4: '9876',
        occurredAt: '2024-03-10',
        channel: 'upi',
        reference: '407098765432',
      },
    },
    {
      sender: 'AX-ICICIB',
      text: 'INR 2,45,000.00 spent on ICICI Bank Card XX8899 on 09-Mar-24 at TANISHQ JEWELLERS. Avl Lmt: INR 1,05,000.00. If not you, call 1800 2662',
      expect: {
        type: 'debit',
        amount: '245000.00',
        merchant: 'TANISHQ JEWELLERS',
        accountLast4: '8899',
        balance: null,
        channel: 'card',
        occurredAt: '2024-03-09',
      },
    },
    {
      sender: 'BZ-KOTAKB',
      text: 'Received Rs.15000.00 in your Kotak Bank AC X5566 from ravi.k@okaxis on 12-03-24.UPI Ref:407212121212.',
      expect: { type: 'credit', amount: '15000.00', merchant: 'ravi.k@okaxis', accountLast4: '5566', reference: '407212121212', channel: 'upi' },
    },
    {
      sender: 'VK-HDFCBK',
      text: 'UPDATE: INR 2,999.00 debited from HDFC Bank XX4321 on 05-MAR-24. Info: ACH D- TP ACH HDFCLIFE-77812. Avl bal:INR 88,120.50',
      expect: { type: 'debit', amount: '2999.00', merchant: 'HDFCLIFE', channel: 'ach', balance: '88120.50', occurredAt: '2024-03-05' },
    },
    {
      sender: 'AD-CANBNK',
      text: 'Rs.5,000.00 has been credited to your account XX7777 on 01/03/2024 by RTGS from ACME INFRA PVT LTD. Total Avail.bal INR 6,12,345.00 - Canara Bank',
      expect: { type: 'credit', amount: '5000.00', channel: 'rtgs', merchant: 'ACME INFRA PVT LTD', balance: '612345.00' },
    },
    {
      sender: 'VM-PAYTMB',
      text: 'Refund of Rs.349 for your order at BOOKMYSHOW has been credited to your Paytm Wallet. Updated balance Rs.1,203.',
      expect: { isTransaction: true, type: 'credit', amount: '349.00', channel: 'wallet', balance: '1203.00' },
    },
    {
      sender: 'JM-SBIINB',
      text: 'Your A/C XXXXX654321 Debited INR 40,000.00 on 02/03/24 -Transferred to Mr. ARJUN MEHTA. Avl Balance INR 1,10,000.50-SBI',
      expect: { type: 'debit', amount: '40000.00', merchant: 'ARJUN MEHTA', accountLast4: '4321', balance: '110000.50', occurredAt: '2024-03-02' },
    },
  ])
})

t.test('US banks and P2P apps', async (t) => {
  checkCases(t, [
    {
      sender: 'Chase',
      text: 'Chase: You made a $1,204.99 transaction with BEST BUY 00123 on your Chase Freedom card ending in 5544 on Mar 10, 2024 at 6:02 PM ET.',
      expect: {
        type: 'debit',
        amount: '1204.99',
        currency: 'USD',
        merchant: 'BEST BUY 00123',
        accountLast4: '5544',
        occurredAt: '2024-03-10',
        channel: 'card',
      },
    },
    {
      sender: 'Wells Fargo',
      text: 'Wells Fargo Card Purchase: $8.75 at DUNKIN #3321 on card ending 0099 on 03/11. Avail bal $2,310.44',
      expect: { type: 'debit', amount: '8.75', currency: 'USD', accountLast4: '0099', occurredAt: '2024-03-11', balance: '2310.44' },
    },
    {
      sender: 'Venmo',
      text: 'Alex Kim paid you $42.50 for "concert tix"',
      expect: { type: 'credit', amount: '42.50', currency: 'USD', merchant: 'Alex Kim', channel: 'wallet' },
    },
    {
      sender: 'Cash App',
      text: 'You sent $15 to $jlee22 for tacos',
      expect: { type: 'debit', amount: '15.00', currency: 'USD', merchant: '$jlee22', channel: 'wallet' },
    },
    {
      sender: 'Zelle',
      text: 'Zelle: You received $300.00 from MARCUS REED. Ref# 9XK2LL301. The money is in your account ending 7710.',
      expect: { type: 'credit', amount: '300.00', merchant: 'MARCUS REED', reference: '9XK2LL301', accountLast4: '7710' },
    },
  ])
})

t.test('UK and EU banks, including European number formats and languages', async (t) => {
  checkCases(t, [
    {
      sender: 'Monzo',
      text: "You spent £3.20 at Gail's Bakery",
      expect: { type: 'debit', amount: '3.20', currency: 'GBP', merchant: "Gail's Bakery", channel: 'card' },
    },
    {
      sender: 'Lloyds',
      text: 'Lloyds Bank: A payment of £1,250.00 has left your account ending 4455 to LANDLORD LTD. Balance £830.12.',
      expect: { type: 'debit', amount: '1250.00', currency: 'GBP', accountLast4: '4455', merchant: 'LANDLORD LTD', balance: '830.12' },
    },
    {
      sender: 'ING',
      text: 'Betaling van € 1.234,56 aan MediaMarkt met pas eindigend op 3310 op 02-03-2024.',
      expect: { type: 'debit', amount: '1234.56', currency: 'EUR', merchant: 'MediaMarkt', accountLast4: '3310', occurredAt: '2024-03-02', channel: 'card' },
    },
    {
      sender: 'BNP Paribas',
      text: 'BNP Paribas : paiement CB de 1 234,56 EUR chez FNAC le 08/03/2024 avec la carte se terminant par 9012.',
      expect: { type: 'debit', amount: '1234.56', currency: 'EUR', merchant: 'FNAC', accountLast4: '9012', occurredAt: '2024-03-08', channel: 'card' },
    },
    {
      sender: 'Deutsche Bank',
      text: 'Deutsche Bank: Gutschrift über 2.500,00 EUR von Arbeitgeber GmbH am 01.03.2024. Kontostand: 4.120,33 EUR.',
      expect: { type: 'credit', amount: '2500.00', currency: 'EUR', merchant: 'Arbeitgeber GmbH', occurredAt: '2024-03-01', balance: '4120.33' },
    },
    { sender: 'Revolut', text: 'Paid €12.40 at Lidl', expect: { type: 'debit', amount: '12.40', currency: 'EUR', merchant: 'Lidl' } },
  ])
})

t.test('Gulf, Africa and Asia-Pacific formats', async (t) => {
  checkCases(t, [
    {
      sender: 'EmiratesNBD',
      text: 'Purchase of AED 89.50 with Debit Card ending 6612 at SPINNEYS, DUBAI. Avl Bal is AED 10,450.00.',
      expect: { type: 'debit', amount: '89.50', currency: 'AED', merchant: 'SPINNEYS', accountLast4: '6612', balance: '10450.00', channel: 'card' },
    },
    {
      sender: 'MPESA',
      text: 'SBK3XY12ZQ Confirmed. Ksh2,500.00 paid to JAVA HOUSE JUNCTION. on 9/3/24 at 1:05 PM.New M-PESA balance is Ksh7,800.00. Transaction cost, Ksh0.00.',
      expect: {
        type: 'debit',
        amount: '2500.00',
        currency: 'KES',
        merchant: 'JAVA HOUSE JUNCTION',
        balance: '7800.00',
        occurredAt: '2024-03-09',
        channel: 'mobile_money',
        reference: 'SBK3XY12ZQ',
      },
    },
    {
      sender: 'GTBank',
      text: 'Acct: 0123****89\nAmt: NGN15,000.00 CR\nDesc: TRF FROM ADAEZE OBI\nAvail Bal: NGN40,250.10\nDate: 2024-03-08 11:42:10 AM',
      expect: {
        type: 'credit',
        amount: '15000.00',
        currency: 'NGN',
        accountLast4: '89',
        balance: '40250.10',
        occurredAt: '2024-03-08',
        merchant: 'ADAEZE OBI',
      },
    },
    {
      sender: 'FNB',
      text: 'FNB :-) R1,250.00 reserved for purchase @ WOOLWORTHS from cheq a/c..4410 using card..7721. Avail R8,900. 10Mar 14:02',
      expect: {
        type: 'debit',
        amount: '1250.00',
        currency: 'ZAR',
        merchant: 'WOOLWORTHS',
        accountLast4: '4410',
        balance: '8900.00',
        occurredAt: '2024-03-10',
        channel: 'card',
      },
    },
    {
      sender: 'GCash',
      text: 'You have sent PHP 1,500.00 to MARK VILLANUEVA 09171112222 on 03-10-2024 08:15 AM with MSG: rent. Your new balance is PHP 2,345.60. Ref. No. 8012345678901.',
      expect: {
        type: 'debit',
        amount: '1500.00',
        currency: 'PHP',
        merchant: 'MARK VILLANUEVA',
        occurredAt: '2024-03-10',
        balance: '2345.60',
        reference: '8012345678901',
        channel: 'wallet',
      },
    },
    {
      sender: 'BCA',
      text: 'BCA: Transaksi Rp 1.250.000 di TOKOPEDIA pada 07/03/2024 dgn kartu kredit akhiran 5566.',
      expect: { type: 'debit', amount: '1250000.00', currency: 'IDR', merchant: 'TOKOPEDIA', accountLast4: '5566', occurredAt: '2024-03-07', channel: 'card' },
    },
    {
      sender: 'CommBank',
      text: 'CommBank: You spent $64.10 at COLES 0456 on your card ending 2233.',
      expect: { type: 'debit', amount: '64.10', currency: 'AUD', accountLast4: '2233' },
    },
    {
      sender: 'RBC',
      text: 'RBC Royal Bank: A purchase of $23.45 was made at TIM HORTONS #211 with your card ending in 8812 on Mar 9.',
      expect: { type: 'debit', amount: '23.45', currency: 'CAD', accountLast4: '8812', occurredAt: '2024-03-09' },
    },
    {
      sender: 'Nubank',
      text: 'Compra aprovada no valor de R$ 1.234,56 em LOJAS AMERICANAS com o cartão final 4455.',
      expect: { type: 'debit', amount: '1234.56', currency: 'BRL', merchant: 'LOJAS AMERICANAS', accountLast4: '4455', channel: 'card' },
    },
    {
      sender: 'DBS',
      text: 'DBS/POSB card ending 1122: A transaction of SGD 18.90 was made at KOUFU PTE LTD on 11 MAR 12:30 (SGT).',
      expect: { type: 'debit', amount: '18.90', currency: 'SGD', merchant: 'KOUFU PTE LTD', accountLast4: '1122', occurredAt: '2024-03-11' },
    },
    {
      sender: 'AlRajhiBank',
      text: 'شراء عبر نقاط البيع\nبطاقة: 7788;مدى\nمبلغ: SAR 120.00\nلدى: JARIR\nفي: 2024-03-09 20:11',
      expect: { type: 'debit', amount: '120.00', currency: 'SAR', merchant: 'JARIR', accountLast4: '7788', occurredAt: '2024-03-09', channel: 'card' },
    },
  ])
})

t.test('unknown senders fall back to the generic extractor with lower confidence', async (t) => {
  const { parseMessage } = await import('../../src/parser/index.js')
  const known = parseMessage({
    text: 'Rs.500.00 debited from a/c **1234 on 12-03-24 to VPA swiggy@icici(UPI Ref No 412345678901).',
    sender: 'VM-HDFCBK',
    receivedAt: '2024-03-13T00:00:00Z',
  })
  const generic = parseMessage({
    text: 'Your account 55xx1234 was debited with USD 45.00 at SOME STORE on 2024-03-12.',
    sender: 'BANKX',
    receivedAt: '2024-03-13T00:00:00Z',
  })
  t.equal(generic.isTransaction, true)
  t.equal(generic.format, 'generic')
  t.equal(generic.amount, '45.00')
  t.ok(generic.confidence >= 0.5 && generic.confidence <= 0.75, `generic confidence ${generic.confidence}`)
  t.ok(known.confidence >= 0.9, `known-format confidence ${known.confidence}`)
  t.equal(parseMessage({ text: 'hello there', sender: null }).confidence, 0)
})

t.test('verb cues in more languages: withdrew, lodged, arrived, gesendet, envoyé, bijgeschreven, transferencia, Polish, Korean, Japanese', async (t) => {
  checkCases(t, [
    { sender: 'Revolut', text: '🏧 You withdrew €50.00 from a cash machine', expect: { isTransaction: true, type: 'debit', amount: '50.00', channel: 'atm' } },
    {
      sender: 'Citi',
      text: 'Citi: A $64.00 transaction was made with UBER TRIP on card ending 4321.',
      expect: { type: 'debit', amount: '64.00', merchant: 'UBER TRIP', accountLast4: '4321', channel: 'card' },
    },
    {
      sender: 'PTSB',
      text: 'PTSB: €300.00 lodged to account ending 9911 from MARY BYRNE.',
      expect: { type: 'credit', merchant: 'MARY BYRNE', accountLast4: '9911' },
    },
    {
      sender: 'Starling',
      text: '£60.00 from OLIVER KING has arrived in your account.',
      expect: { isTransaction: true, type: 'credit', merchant: 'OLIVER KING' },
    },
    {
      sender: 'N26',
      text: 'N26: Du hast 30,00 € an Lena Vogel gesendet.',
      expect: { isTransaction: true, type: 'debit', amount: '30.00', merchant: 'Lena Vogel' },
    },
    { sender: 'Sparkasse', text: 'Zahlungseingang: 500,00 € von Max Weber', expect: { isTransaction: true, type: 'credit', merchant: 'Max Weber' } },
    { sender: 'Lydia', text: 'Vous avez envoyé 15,00 € à Claire Martin.', expect: { isTransaction: true, type: 'debit', merchant: 'Claire Martin' } },
    {
      sender: 'Desjardins',
      text: 'Dépôt de 200,00 $ de PAYROLL INC dans votre compte',
      expect: { isTransaction: true, type: 'credit', currency: 'CAD', merchant: 'PAYROLL INC' },
    },
    { sender: 'ING', text: 'Er is € 75,00 bijgeschreven van J. Bakker.', expect: { isTransaction: true, type: 'credit', merchant: 'J. Bakker' } },
    {
      sender: 'Sabadell',
      text: 'Sabadell: transferencia de 80,00 EUR a MARTA GIL realizada el 10/03/2024.',
      expect: { isTransaction: true, type: 'debit', merchant: 'MARTA GIL', occurredAt: '2024-03-10' },
    },
    {
      sender: 'mBank',
      text: 'mBank: Płatność kartą 19,99 PLN w BIEDRONKA 1234 dnia 11.03.2024',
      expect: { isTransaction: true, type: 'debit', currency: 'PLN', merchant: 'BIEDRONKA 1234', occurredAt: '2024-03-11', channel: 'card' },
    },
    {
      sender: 'ING',
      text: 'ING: Wpływ 1 200,00 PLN od JAN KOWALSKI. Saldo: 3 400,00 PLN',
      expect: { isTransaction: true, type: 'credit', amount: '1200.00', merchant: 'JAN KOWALSKI', balance: '3400.00' },
    },
    {
      sender: '15881688',
      text: '[Web발신]\n현대카드(9911)승인\n김*수\n23,000원 일시불\n03/12 19:40 이마트성수',
      expect: {
        isTransaction: true,
        type: 'debit',
        amount: '23000',
        currency: 'KRW',
        merchant: '이마트성수',
        accountLast4: '9911',
        occurredAt: '2024-03-12',
        channel: 'card',
      },
    },
    {
      sender: 'Rakuten',
      text: '【楽天カード】ご利用のお知らせ\nご利用日：2024/03/11\nご利用先：ユニクロ\nご利用金額：4,990円',
      expect: { isTransaction: true, type: 'debit', amount: '4990', currency: 'JPY', merchant: 'ユニクロ', occurredAt: '2024-03-11', channel: 'card' },
    },
  ])
})

t.test('account digits: "terminación", "checking ...1234" after a payee, IBANs, unmasked "rek"; a masked phone is the payee', async (t) => {
  checkCases(t, [
    {
      sender: 'BBVA',
      text: 'BBVA: Compra de $300.00 MXN en SANBORNS con tarjeta terminación 7788',
      expect: { currency: 'MXN', merchant: 'SANBORNS', accountLast4: '7788' },
    },
    {
      sender: 'Chase',
      text: 'Deposit of $900.00 from ACME PAYROLL posted to checking ...5511',
      expect: { type: 'credit', merchant: 'ACME PAYROLL', accountLast4: '5511' },
    },
    {
      sender: 'Wells Fargo',
      text: 'ACH debit of $80.00 to COMCAST posted to savings ...2200',
      expect: { merchant: 'COMCAST', accountLast4: '2200', channel: 'ach' },
    },
    {
      sender: 'ING',
      text: 'Er is € 20,00 afgeschreven van rekening NL20INGB0001234567 voor Vattenfall.',
      expect: { type: 'debit', merchant: 'Vattenfall', accountLast4: '4567' },
    },
    { sender: 'BRI', text: 'BRI: Transfer Rp 100.000 ke ANDI dari rek 0123456789 berhasil', expect: { type: 'debit', merchant: 'ANDI', accountLast4: '6789' } },
    { text: 'You have sent KES 500.00 to 0711***222 JOHN KAMAU on 12-03-2024', expect: { type: 'debit', merchant: 'JOHN KAMAU', accountLast4: null } },
  ])
})

t.test('merchant boundaries: "para o cartão", "a tu cuenta", "@ Online Banking", status words, "Ref…" prefixes, store numbers', async (t) => {
  checkCases(t, [
    {
      sender: 'Nubank',
      text: 'Compra de R$ 20,00 aprovada em PADARIA REAL para o cartão final 3344',
      expect: { merchant: 'PADARIA REAL', accountLast4: '3344' },
    },
    {
      sender: 'Santander',
      text: 'Santander: Recibiste $500.00 MXN de LUIS PEREZ a tu cuenta terminación 4455',
      expect: { type: 'credit', merchant: 'LUIS PEREZ', accountLast4: '4455' },
    },
    {
      sender: 'FNB',
      text: 'FNB :-) R300.00 paid from cheq a/c..1234 to CITY POWER @ Online Banking. Ref.ELEC MAR. 10Mar 09:00',
      expect: { merchant: 'CITY POWER', accountLast4: '1234', channel: 'netbanking', reference: 'ELEC MAR' },
    },
    { sender: 'Sparkasse', text: 'Sparkasse: Überweisung 50,00 EUR an Sportverein Nord ausgeführt.', expect: { type: 'debit', merchant: 'Sportverein Nord' } },
    {
      sender: 'BCA',
      text: 'BCA: Transaksi Rp 45.000 di ALFAMART SENAYAN pd 11/03/24 dgn kartu ***1234',
      expect: { merchant: 'ALFAMART SENAYAN', accountLast4: '1234', occurredAt: '2024-03-11' },
    },
    // "REF…" at the start of a word is part of the name, not a reference label.
    {
      sender: 'MercadoPago',
      text: 'Mercado Pago: Pagaste $99.00 MXN en REFACCIONARIA LOPEZ.',
      expect: { merchant: 'REFACCIONARIA LOPEZ', currency: 'MXN', reference: null },
    },
    {
      sender: 'Ally',
      text: 'Amount: -$12.00\nDescription: POS WALGREENS 1234\nAccount: *5566',
      expect: { type: 'debit', merchant: 'WALGREENS 1234', accountLast4: '5566' },
    },
    // Parentheses inside a company name stay; a bracketed bank name after the payer does not.
    {
      sender: 'StdBank',
      text: 'Standard Bank: R5,000.00 paid into your account ****1234 from BUILDCO (PTY) LTD on 10/03/2024.',
      expect: { merchant: 'BUILDCO (PTY) LTD' },
    },
    { sender: 'OPay', text: 'You have received ₦5,000.00 from ADA OKAFOR (GTBank).', expect: { merchant: 'ADA OKAFOR' } },
    // Company forms written with dots keep them.
    { sender: 'mBank', text: 'mBank: Wpływ 900,00 PLN od ALFA SP. Z O.O. Saldo: 1 000,00 PLN', expect: { merchant: 'ALFA SP. Z O.O.', balance: '1000.00' } },
    { sender: 'DeutscheBank', text: 'Gutschrift 120,00 EUR von BETA S.A.R.L., Kontostand 500,00 EUR', expect: { merchant: 'BETA S.A.R.L.' } },
    // Comma-separated layouts with no preposition: the capitalised field is the merchant; codes are not.
    {
      sender: 'DeutscheBank',
      text: 'Kontobewegung: -12,50 EUR, ROSSMANN GMBH, 11.03.2024, Kontostand 300,00 EUR',
      expect: { type: 'debit', merchant: 'ROSSMANN GMBH', balance: '300.00' },
    },
    {
      sender: 'Bradesco',
      text: 'Compra aprovada no cartão final 1111, valor R$ 50,00, em 11/03/2024 às 09:00, PAGUE MENOS.',
      expect: { merchant: 'PAGUE MENOS', accountLast4: '1111' },
    },
    { sender: 'VM-HDFCBK', text: 'Rs 500 debited from A/c XX1234, UPI REF 412345678901', expect: { merchant: null, reference: '412345678901' } },
  ])
})

t.test('references: "Operación", "Clave de rastreo", short mixed ids, free-text capitals; channels: rails, wallets, emoji, DIR DEP', async (t) => {
  checkCases(t, [
    {
      sender: 'MercadoPago',
      text: 'Mercado Pago: Pagaste $99.00 MXN en FARMACIA GUADALAJARA. Operación 123456789',
      expect: { merchant: 'FARMACIA GUADALAJARA', reference: '123456789' },
    },
    {
      sender: 'Santander',
      text: 'Recibiste una transferencia SPEI de $250.00 MXN de ROSA DIAZ. Clave de rastreo: 2024031240014TRAC00005678',
      expect: { type: 'credit', merchant: 'ROSA DIAZ', channel: 'netbanking', reference: '2024031240014TRAC00005678' },
    },
    {
      sender: 'Tangerine',
      text: 'Your INTERAC e-Transfer of $40.00 to MIA CHEN was sent. Reference number: CAx9Bk2Q',
      expect: { merchant: 'MIA CHEN', reference: 'CAx9Bk2Q' },
    },
    {
      sender: 'Nedbank',
      text: 'Nedbank: R900.00 received into acc ***1234 from P NDLOVU. Ref: SCHOOL FEES. 11/03/24',
      expect: { merchant: 'P NDLOVU', reference: 'SCHOOL FEES' },
    },
    { sender: 'Nedbank', text: 'Nedbank: R900.00 received into acc ***1234 from P NDLOVU. Ref: Please call us', expect: { reference: null } },
    { sender: 'PNC', text: 'PNC: Deposit of $1,000.00 from ACME DIR DEP to Virtual Wallet account ending 1234', expect: { type: 'credit', channel: 'ach' } },
    {
      sender: 'Barclays',
      text: 'Barclays: Payment of £500.00 via Faster Payments to J SMITH from account ending 3344',
      expect: { merchant: 'J SMITH', channel: 'netbanking' },
    },
    { sender: 'LINEPay', text: 'LINE Pay: Payment of THB 80.00 to CAFE AMAZON completed.', expect: { merchant: 'CAFE AMAZON', channel: 'wallet' } },
    { sender: 'AlipayHK', text: 'AlipayHK: HK$30.00 paid to WELLCOME.', expect: { currency: 'HKD', merchant: 'WELLCOME', channel: 'wallet' } },
    { sender: 'Monzo', text: '💳 You paid £4.10 to Caffe Nero', expect: { merchant: 'Caffe Nero', channel: 'card' } },
  ])
})

t.test("a card's available credit limit is not a balance, and accountLast4 is at most four digits", async (t) => {
  const cases: { text: string; sender: string; balance: string | null; accountLast4: string | null }[] = [
    {
      sender: 'AX-ICICIB',
      text: 'INR 2,000.50 spent on ICICI Bank Card XX7781 on 02-Apr-24 at BIGBASKET. Avl Lmt: INR 1,20,000.00',
      balance: null,
      accountLast4: '7781',
    },
    {
      sender: 'CHASE',
      text: 'Your credit card ending 98765 was charged USD 45.10 at AMAZON. Available credit: USD 3,210.00',
      balance: null,
      accountLast4: '8765',
    },
    {
      sender: 'AXISBK',
      text: 'Spent Rs.420 on card ending 1234 at UBER. Available Credit Limit: Rs.49,580. Total outstanding Rs 420',
      balance: null,
      accountLast4: '1234',
    },
    {
      sender: 'ENBD',
      text: 'Purchase of AED 90.00 with Credit Card ending 3109 at CARREFOUR. Avl Cr. Limit is AED 2,381.01.',
      balance: null,
      accountLast4: '3109',
    },
    // A real balance stays a balance, and a long mask keeps its last four digits.
    {
      sender: 'VM-HDFCBK',
      text: 'Rs.500.00 debited from A/c XX123456 on 05-06-24 to VPA shop@okaxis UPI Ref No 412345678901. Avl Bal Rs 10,000.00 -HDFC Bank',
      balance: '10000.00',
      accountLast4: '3456',
    },
    {
      sender: 'SBIINB',
      text: 'Dear Customer, Acct XX00012345 debited with INR 300.00 on 01-May-24. Available balance INR 7,000.00',
      balance: '7000.00',
      accountLast4: '2345',
    },
    { sender: 'AXISBK', text: 'Rs 1,000 credited to your a/c XX5566. Avl Bal: Rs 11,000', balance: '11000.00', accountLast4: '5566' },
  ]
  for (const c of cases) {
    const r = parseMessage({ text: c.text, sender: c.sender, receivedAt: '2024-06-05T10:00:00Z' })
    t.equal(r.isTransaction, true, `${c.text.slice(0, 40)}: a transaction`)
    t.equal(r.balance, c.balance, `${c.text.slice(0, 40)}: balance`)
    t.equal(r.accountLast4, c.accountLast4, `${c.text.slice(0, 40)}: accountLast4`)
  }
})
