import t from 'tap'
import { CATEGORIES } from '../src/domain/categories.js'
import { categorise, keywordCategory, normaliseMerchant } from '../src/domain/categoriser.js'
import { MERCHANT_KEYWORDS } from '../src/domain/merchant-keywords.js'

const debit = (merchant: string | null, channel: string | null = 'card') => categorise({ merchant, type: 'debit', channel })
const credit = (merchant: string | null, channel: string | null = null) => categorise({ merchant, type: 'credit', channel })

t.test('well-known merchants worldwide land in the expected category', async (t) => {
  const cases: Record<string, string[]> = {
    food: [
      'Swiggy',
      'ZOMATO',
      'Uber Eats',
      'UBER EATS',
      'DoorDash',
      'Starbucks',
      'Starbucks India',
      'Costa Coffee',
      'Pret A Manger',
      'Deliveroo',
      'GRABFOOD',
      'TALABAT',
      'Tim Hortons',
      'PADARIA REAL',
      "McDonald's",
    ],
    groceries: [
      'BigBasket',
      'Blinkit',
      'Walmart',
      'Tesco',
      'Whole Foods',
      'TRADER JOES',
      'COSTCO WHSE',
      'PICK N PAY',
      'LULU HYPERMARKET',
      'Albert Heijn',
      'Swiggy Instamart',
      'Amazon Fresh',
      'NAIVAS SUPERMARKET',
    ],
    transport: [
      'Uber',
      'UBER TRIP',
      'Ola',
      'Lyft',
      'Delhi Metro Rail',
      'Shell',
      'PETRO-CANADA',
      'Indian Oil Petrol Pump',
      'TOTAL ENERGIES',
      'TFL TRAVEL',
      'GRAB',
      'FASTag Toll',
    ],
    shopping: ['Amazon', 'AMAZON.COM', 'AMAZON UK', 'Flipkart', 'Myntra', 'TARGET T-1234', 'HOME DEPOT', 'Decathlon', 'Bol.com', 'JB HI-FI', 'Reliance Retail'],
    bills: [
      'BESCOM Electricity',
      'Airtel',
      'JIO PREPAID',
      'Verizon Wireless',
      'AT&T',
      'ACT Fibernet Broadband',
      'LIC Insurance Premium',
      'MERALCO',
      'KPLC PREPAID',
      'Tata Power',
    ],
    entertainment: ['Netflix', 'NETFLIX.COM', 'Spotify', 'BookMyShow', 'PVR INOX', 'APPLE.COM/BILL', 'Steam Games'],
    health: ['Apollo Pharmacy', 'Apollo Hospitals', 'CVS PHARMACY', 'Walgreens', 'Boots', 'SHOPPERS DRUG MART', 'City Dental Clinic', 'MERCURY DRUG'],
    travel: ['IndiGo', 'Emirates', 'Marriott Hotel', 'IRCTC', 'MakeMyTrip', 'Booking.com', 'Airbnb', 'Deutsche Bahn', 'Qatar Airways'],
    transfers: ['NEFT transfer to savings', 'Zelle payment', 'Western Union'],
  }
  for (const [category, merchants] of Object.entries(cases)) {
    for (const merchant of merchants) t.equal(debit(merchant), category, `${merchant} -> ${category}`)
  }
})

t.test('the longest matching keyword wins across categories', async (t) => {
  t.equal(debit('UBER EATS'), 'food', 'uber eats beats uber')
  t.equal(debit('Uber India'), 'transport')
  t.equal(debit('Amazon Prime Video'), 'entertainment', 'amazon prime beats amazon')
  t.equal(debit('Swiggy Instamart'), 'groceries', 'instamart beats swiggy')
  t.equal(debit('SUPERMERCADO EXTRA'), 'groceries', 'supermercado beats extra')
  t.equal(debit('Octopus Energy'), 'bills', 'octopus energy is a utility')
})

t.test('UPI VPAs of merchants are recognised through their handle', async (t) => {
  t.equal(debit('swiggy73@okhdfcbank', 'upi'), 'food')
  t.equal(debit('starbucksind25@hdfcbank', 'upi'), 'food')
  t.equal(debit('jioprepaid55@icici', 'upi'), 'bills')
  t.equal(debit('makemytrip29@upi', 'upi'), 'travel')
  t.equal(debit('bigbasket48@axl', 'upi'), 'groceries')
})

t.test('payments to people are transfers; unknown shops are other', async (t) => {
  t.equal(debit('RAHUL SHARMA', 'imps'), 'transfers', 'P2P channel')
  t.equal(debit('Priya Patel', 'upi'), 'transfers', 'person name over UPI')
  t.equal(debit('kavya.418@paytm', 'upi'), 'transfers', 'personal VPA')
  t.equal(debit('Juan dela Cruz', 'netbanking'), 'transfers')
  t.equal(debit('JOHN KAMAU', 'mobile_money'), 'transfers')
  t.equal(debit(null, 'atm'), 'transfers', 'cash withdrawal')
  t.equal(debit('Zyx Qwerty', 'card'), 'other', 'a card payment to an unknown two-word name is a shop, not a person')
  t.equal(debit(null, 'card'), 'other')
  t.equal(debit('XKCD-7731 HOLDINGS', 'card'), 'other')
  t.equal(categorise({ merchant: 'Blue Door', type: 'debit', manual: true }), 'other', 'typed-in payees are not guessed to be people')
  t.equal(categorise({ merchant: 'Blue Door', type: 'debit', channel: null }), 'transfers', 'the same name from a bank message is')
})

t.test('credits: salary, interest and refunds are income; credits from people are transfers', async (t) => {
  t.equal(credit('ACME CORP SALARY', 'neft'), 'income')
  t.equal(credit('Interest credited'), 'income')
  t.equal(credit('Refund from Flipkart'), 'income')
  t.equal(credit('AMAZON', 'card'), 'income', 'money back from a shop is a refund')
  t.equal(credit(null, 'ach'), 'income')
  t.equal(credit('ANJALI GUPTA', 'neft'), 'transfers')
  t.equal(credit('sneha.555@paytm', 'upi'), 'transfers')
  t.equal(debit('Salary advance repayment', 'card'), 'other', 'income words never make a debit income')
})

t.test('normaliseMerchant makes one key of many spellings', async (t) => {
  t.equal(normaliseMerchant('SWIGGY'), 'swiggy')
  t.equal(normaliseMerchant('Swiggy Pvt. Ltd.'), 'swiggy')
  t.equal(normaliseMerchant('swiggy73@okhdfcbank'), 'swiggy')
  t.equal(normaliseMerchant('  Café   Müller  '), 'cafe muller', 'accents and spacing')
  t.equal(normaliseMerchant('NETFLIX.COM'), 'netflix')
  t.equal(normaliseMerchant('TARGET T-1234'), 'target', 'store numbers go')
  t.equal(normaliseMerchant('AMAZON MKTP US*2K4L19XY0'), 'amazon mktp us', 'order codes after * go')
  t.equal(normaliseMerchant('SQ *BLUE BOTTLE COFFEE'), 'blue bottle coffee', 'processor prefixes go')
  t.equal(normaliseMerchant('kavya.418@paytm'), 'kavya 418', 'person handles keep their digits')
  t.equal(normaliseMerchant('H&M'), 'h and m')
  t.equal(normaliseMerchant('***'), null)
  t.equal(normaliseMerchant(null), null)
  t.equal(normaliseMerchant('x'.repeat(300))?.length, 200)
})

t.test('the keyword table is consistent', async (t) => {
  const seen = new Map<string, string>()
  for (const [category, keywords] of Object.entries(MERCHANT_KEYWORDS)) {
    t.ok((CATEGORIES as readonly string[]).includes(category), `${category} is a category`)
    for (const keyword of keywords) {
      const key = normaliseMerchant(keyword)
      t.ok(key, `${keyword} survives normalisation`)
      if (key && seen.has(key) && seen.get(key) !== category) t.fail(`"${keyword}" is listed under ${seen.get(key)} and ${category}`)
      if (key) seen.set(key, category)
    }
  }
  t.equal(keywordCategory('zomato'), 'food')
  t.equal(
    keywordCategory('zomato', (c) => c !== 'food'),
    null,
    'the category filter is honoured',
  )
})
